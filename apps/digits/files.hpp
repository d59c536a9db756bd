#pragma once
// The output folder of ctnn-digits and the files that describe a run besides the model: the
// learning curve as CSV, the gnuplot script that plots it, and the plot. Every file appears
// complete or not at all: it is written under a temporary name in the same folder, then
// renamed (ctnn::save and ctnn::export_header write the model files the same way).

#include <ctnn/ctnn.hpp>

#include "terminal.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ctnn_digits {

/// Creates `folder` if it does not exist, and creates and removes a file in it, so that a
/// folder that cannot take the results is found before training, not after.
/// @throws ctnn::error saying what is wrong with the folder.
inline void prepare_output_folder(const std::string& folder) {
  std::error_code ec;
  if (std::filesystem::exists(folder, ec) && !std::filesystem::is_directory(folder, ec))
    throw ctnn::error(folder + ": exists and is not a folder");
  std::filesystem::create_directories(folder, ec);
  if (ec) throw ctnn::error(folder + ": cannot create the folder (" + ec.message() + ")");
  std::string probe = folder + "/.ctnn-digits-probe-XXXXXX";
  const int file = ::mkstemp(probe.data());
  if (file < 0) throw ctnn::error(folder + ": cannot create files in the folder (" + std::strerror(errno) + ")");
  ::close(file);
  ::unlink(probe.c_str());
}

inline void write_text(const std::string& path, const std::string& text) {
  ctnn::io::detail::write_file_atomically(path, std::vector<unsigned char>(text.begin(), text.end()));
}

/// One row per epoch: its number, mean training loss, test loss, test accuracy, and the
/// seconds of its training steps.
inline std::string learning_curve_csv(const ctnn::history& history) {
  std::string text = "epoch,loss,test_loss,test_accuracy,seconds\n";
  for (std::size_t e = 0; e < history.size(); ++e) {
    const ctnn::epoch_record& r = history[e];
    text += format("%zu,%.6g,%.6g,%.6g,%.4f\n", e + 1, r.loss, r.validation_loss, r.validation_accuracy, r.seconds);
  }
  return text;
}

/// A gnuplot script that draws the CSV's losses (left axis, logarithmic) and test accuracy
/// (right axis) against the epoch. The CSV and PNG paths are the variables `csv` and `png`,
/// defaulting to the files next to the script, so `gnuplot <stem>_curve.gp` run in the
/// output folder draws the plot again.
inline std::string learning_curve_script(const std::string& stem, const std::string& title) {
  return "# The learning curve of a ctnn-digits run, from " + stem + "_curve.csv.\n"
         "# Draw it again from this folder with: gnuplot " + stem + "_curve.gp\n"
         "if (!exists(\"csv\")) csv = '" + stem + "_curve.csv'\n"
         "if (!exists(\"png\")) png = '" + stem + "_curve.png'\n"
         "set encoding utf8\n"
         "set terminal pngcairo size 960,540 font ',11'\n"
         "set output png\n"
         "set datafile separator ','\n"
         "set title '" + title + "' noenhanced\n"
         "set xlabel 'epoch'\n"
         "set ylabel 'cross-entropy loss (log scale)'\n"
         "set logscale y\n"
         "set y2label 'test accuracy'\n"
         "set xrange [0:*]\n"
         "set y2range [*:1]\n"
         "set ytics nomirror\n"
         "set y2tics\n"
         "set grid\n"
         "set key below\n"
         "set style data linespoints\n"
         "plot csv skip 1 using 1:2 linewidth 2 title 'training loss', \\\n"
         "     csv skip 1 using 1:3 linewidth 2 title 'test loss', \\\n"
         "     csv skip 1 using 1:4 axes x1y2 linewidth 2 title 'test accuracy (right axis)'\n";
}

/// `text` as a gnuplot string literal: in single quotes, a quote is written twice.
inline std::string gnuplot_string(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

/// Runs `gnuplot script` with `csv` and `png` set; gnuplot draws into a temporary file that
/// becomes `png` when it succeeds. Returns what went wrong, or "" once `png` is drawn.
inline std::string draw_plot(const std::string& script, const std::string& csv, const std::string& png) {
  const std::string temporary = png + ".tmp-" + std::to_string(::getpid());
  std::vector<std::string> arguments = {"gnuplot", "-e",
                                        "csv=" + gnuplot_string(csv) + "; png=" + gnuplot_string(temporary), script};
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  const int spawned = ::posix_spawnp(&child, "gnuplot", nullptr, nullptr, argv.data(), environ);
  if (spawned == ENOENT) return "gnuplot is not installed (Debian package gnuplot-nox)";
  if (spawned != 0) return std::string("cannot run gnuplot (") + std::strerror(spawned) + ")";
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(temporary, ec);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || ec || size == 0) {
    std::filesystem::remove(temporary, ec);
    return WIFEXITED(status) ? "gnuplot failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")"
                             : std::string("gnuplot was stopped by a signal");
  }
  std::filesystem::rename(temporary, png, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::filesystem::remove(temporary, ec);
    return png + ": cannot move the plot into place (" + reason + ")";
  }
  return {};
}

}  // namespace ctnn_digits
