# Samples per second of every workload and implementation, on a log scale (one workload's
# implementations differ by up to three orders of magnitude).
#   gnuplot -e "data='chart.dat'; output='workloads.png'" bench/chart.gp
# `data` is written by bench/combine.py --chart-data: a header line of implementation names,
# then one line per workload, "-" where an implementation was not run.
if (!exists("data")) data = 'chart.dat'
if (!exists("output")) output = 'workloads.png'

set terminal pngcairo size 1100,600 noenhanced font ",11"
set output output
set title "Samples per second, one thread, float32 (higher is better)"
set datafile missing "-"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set format y "%.0s%c"
set grid ytics
set ylabel "samples / s"
set key top right
set xtics nomirror
columns = system("head -1 '" . data . "' | wc -w") + 0
plot for [c = 2:columns] data using c:xtic(1) title columnheader(c)
