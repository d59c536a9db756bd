#pragma once
// What ctnn-digits draws as text: the progress of training (a line that redraws in place on a
// terminal, one line per epoch elsewhere), the loss as a sparkline, the confusion matrix, and
// images drawn with half blocks. Everything is UTF-8.

#include <ctnn/ctnn.hpp>

#include "data.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sys/ioctl.h>
#include <unistd.h>

namespace ctnn_digits {

inline bool is_terminal(std::FILE* stream) { return ::isatty(::fileno(stream)) == 1; }

/// The terminal's width in columns; 80 when `stream` is not a terminal or does not say.
inline std::size_t columns_of(std::FILE* stream) {
  winsize size{};
  if (is_terminal(stream) && ::ioctl(::fileno(stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  return 80;
}

/// `printf` into a std::string.
template <class... Args>
std::string format(const char* pattern, Args... args) {
  const int n = std::snprintf(nullptr, 0, pattern, args...);
  std::string out(std::size_t(std::max(n, 0)), '\0');
  std::snprintf(out.data(), out.size() + 1, pattern, args...);
  return out;
}

/// "1 epoch", "12 epochs"; `plural` where adding an s is wrong.
inline std::string count_of(std::size_t n, std::string_view thing, std::string_view plural = {}) {
  const std::string things = plural.empty() ? std::string(thing) + "s" : std::string(plural);
  return std::to_string(n) + " " + (n == 1 ? std::string(thing) : things);
}

/// A rate of samples per second with three significant digits: "812", "41.2k", "1.23M".
inline std::string format_rate(double per_second) {
  if (per_second < 1e3) return format("%.0f", per_second);
  if (per_second < 1e6)
    return format(per_second < 1e4 ? "%.2fk" : per_second < 1e5 ? "%.1fk" : "%.0fk", per_second / 1e3);
  return format(per_second < 1e7 ? "%.2fM" : "%.1fM", per_second / 1e6);
}

/// Seconds as m:ss, or h:mm:ss from an hour on.
inline std::string format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  if (s >= 3600) return format("%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return format("%ld:%02ld", s / 60, s % 60);
}

/// The number of characters (code points) of UTF-8 text, which is its width in a terminal
/// for the characters this program writes.
inline std::size_t width_of(std::string_view text) {
  return std::size_t(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

/// A bar of `cells` characters, filled to `fraction` in eighths of a cell.
inline std::string progress_bar(double fraction, std::size_t cells) {
  static constexpr std::array<std::string_view, 8> partial = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto eighths = std::size_t(std::clamp(fraction, 0.0, 1.0) * double(cells * 8));
  std::string bar;
  for (std::size_t i = 0; i < eighths / 8; ++i) bar += "█";
  std::size_t drawn = eighths / 8;
  if (drawn < cells && eighths % 8 != 0) {
    bar += partial[eighths % 8];
    ++drawn;
  }
  bar.append(cells - drawn, ' ');
  return "▕" + bar + "▏";
}

/// Reports the progress of one training run, fed by `fit_options::on_batch` and `on_epoch`.
/// On a terminal a live line per epoch (bar, running loss, samples/s, time left) is redrawn
/// in place, at most ten times a second so that drawing costs nothing next to training;
/// when the epoch ends it is replaced by the epoch's line, which is all that other outputs
/// (a file, a pipe) get.
class progress {
 public:
  /// `label` precedes every line ("" or "naive "); the run is `epochs` epochs of
  /// `samples_per_epoch` samples.
  progress(std::FILE* out, std::string label, std::size_t epochs, std::size_t samples_per_epoch)
      : out_(out), live_(is_terminal(out)), label_(std::move(label)), epochs_(epochs),
        samples_per_epoch_(samples_per_epoch), epoch_digits_(std::to_string(epochs).size()) {}

  bool on_batch(const ctnn::batch_record& b) {
    const auto now = clock::now();
    // The rate is timed from the end of the first step: before it, training allocated its
    // workspace, which would count as slow steps.
    if (done_ == 0) start_ = now;
    else timed_ += b.samples;
    if (b.batch == 0) epoch_loss_ = epoch_samples_ = 0;
    epoch_loss_ += b.loss * double(b.samples);
    epoch_samples_ += b.samples;
    done_ += b.samples;
    if (live_ && (!drawn_ || now - last_draw_ >= redraw_interval || b.batch + 1 == b.batches)) {
      draw(double(b.batch + 1) / double(b.batches), now);
      last_draw_ = now;
      drawn_ = true;
    }
    return true;
  }

  /// Ends a live line cut short, so that what is written next starts on a line of its own.
  void end_line() {
    if (live_ && drawn_) std::fputc('\n', out_);
    drawn_ = false;
  }

  bool on_epoch(const ctnn::epoch_record& r) {
    std::string line = label_ + epoch_text() +
                       format("  loss %.4f  test loss %.4f  test accuracy %.4f  %.2f s", r.loss, r.validation_loss,
                              r.validation_accuracy, r.seconds);
    std::fprintf(out_, "%s%s\n", live_ ? "\r\x1b[K" : "", line.c_str());
    std::fflush(out_);
    ++epoch_;
    drawn_ = false;
    return true;
  }

 private:
  using clock = std::chrono::steady_clock;
  static constexpr auto redraw_interval = std::chrono::milliseconds(100);

  std::string epoch_text() const {
    return format("epoch %*zu/%zu", int(epoch_digits_), epoch_ + 1, epochs_);
  }

  void draw(double fraction, clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? double(timed_) / elapsed : 0;
    const double left = double(epochs_ * samples_per_epoch_ - std::min(done_, epochs_ * samples_per_epoch_));
    const std::string head = label_ + epoch_text();
    const std::string tail = format(" %3.0f%%  loss %.4f  %s samples/s  %s left", 100 * fraction,
                                    epoch_loss_ / double(epoch_samples_), rate > 0 ? format_rate(rate).c_str() : "–",
                                    rate > 0 ? format_duration(left / rate).c_str() : "–");
    // The line must fit the terminal, or the next \r would return to a wrapped line's start.
    const std::size_t room = columns_of(out_) - 1, used = width_of(head) + width_of(tail) + 3;
    const std::size_t cells = room > used ? std::min<std::size_t>(room - used, 30) : 0;
    std::fprintf(out_, "\r%s %s%s\x1b[K", head.c_str(), cells >= 5 ? progress_bar(fraction, cells).c_str() : "",
                 tail.c_str());
    std::fflush(out_);
  }

  std::FILE* out_;
  bool live_;
  std::string label_;
  std::size_t epochs_, samples_per_epoch_, epoch_digits_;
  std::size_t epoch_ = 0, done_ = 0, timed_ = 0, epoch_samples_ = 0;
  double epoch_loss_ = 0;
  bool drawn_ = false;
  clock::time_point start_{}, last_draw_{};
};

/// One character per value from ▁ (the smallest) to █ (the largest), on a logarithmic scale
/// (a loss falls by orders of magnitude; on a linear scale all but the first epochs would be
/// ▁). More values than `cells` are averaged in groups.
inline std::string sparkline(std::span<const double> values, std::size_t cells) {
  static constexpr std::array<std::string_view, 8> levels = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::vector<double> logs;
  const std::size_t groups = std::min(values.size(), std::max<std::size_t>(cells, 1));
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t first = g * values.size() / groups, last = (g + 1) * values.size() / groups;
    double sum = 0;
    for (std::size_t i = first; i < last; ++i) sum += std::log(std::max(values[i], 1e-300));
    logs.push_back(sum / double(last - first));
  }
  if (logs.empty()) return {};
  const auto [low, high] = std::minmax_element(logs.begin(), logs.end());
  std::string line;
  for (const double v : logs) {
    const double position = *high > *low ? (v - *low) / (*high - *low) : 0.5;
    line += levels[std::size_t(std::lround(position * double(levels.size() - 1)))];
  }
  return line;
}

/// A class's row label: its index, and its name when the name is not the index.
inline std::string row_label(std::size_t index, std::string_view name) {
  const std::string number = std::to_string(index);
  return name == number ? number : number + " " + std::string(name);
}

/// counts[t][p]: test images of class t predicted as class p.
using confusion = std::array<std::array<std::size_t, 10>, 10>;

/// The confusion matrix with a row per true class and a column per predicted class, zeros as
/// dots so that the mistakes stand out, and each class's accuracy (recall) at the right.
inline std::string confusion_text(const confusion& counts, std::span<const std::string_view, 10> classes) {
  std::size_t largest = 0, name_width = 0;
  for (const auto& row : counts) largest = std::max(largest, *std::max_element(row.begin(), row.end()));
  const int cell = int(std::max<std::size_t>(std::to_string(largest).size() + 1, 4));
  for (std::size_t c = 0; c < 10; ++c) name_width = std::max(name_width, row_label(c, classes[c]).size());
  std::string text = std::string(name_width, ' ');
  for (std::size_t p = 0; p < 10; ++p) text += format("%*zu", cell, p);
  text += "   right\n";
  for (std::size_t t = 0; t < 10; ++t) {
    const std::string name = row_label(t, classes[t]);
    text += name + std::string(name_width - name.size(), ' ');
    std::size_t total = 0;
    for (std::size_t p = 0; p < 10; ++p) {
      total += counts[t][p];
      text += counts[t][p] == 0 ? std::string(std::size_t(cell) - 1, ' ') + "·" : format("%*zu", cell, counts[t][p]);
    }
    text += total ? format("  %5.1f %%\n", 100.0 * double(counts[t][t]) / double(total)) : "       –\n";
  }
  return text;
}

/// A 28×28 image as 14 lines of 28 characters: each character is two pixels, one above the
/// other (▀ top, ▄ bottom, █ both), a pixel being ink from half its full value.
inline std::vector<std::string> image_lines(std::span<const float, image_side * image_side> pixels) {
  static constexpr std::array<std::string_view, 4> blocks = {" ", "▀", "▄", "█"};
  const auto ink = [&](std::size_t r, std::size_t c) { return pixels[r * image_side + c] >= 0.5f; };
  std::vector<std::string> lines;
  for (std::size_t r = 0; r < image_side; r += 2) {
    std::string line;
    for (std::size_t c = 0; c < image_side; ++c) line += blocks[(ink(r, c) ? 1 : 0) + (ink(r + 1, c) ? 2 : 0)];
    lines.push_back(std::move(line));
  }
  return lines;
}

// Columns between blocks drawn side by side.
inline constexpr std::size_t block_gap = 4;

/// How many blocks `width` columns wide fit side by side in `columns` (at least one).
inline std::size_t blocks_per_row(std::size_t width, std::size_t columns) {
  return std::max<std::size_t>(1, (columns + block_gap) / (width + block_gap));
}

/// Blocks of lines (an image and its caption), side by side as many as fit in `columns`.
inline std::string side_by_side(const std::vector<std::vector<std::string>>& blocks, std::size_t columns) {
  std::size_t block_width = 0, height = 0;
  for (const auto& block : blocks) {
    height = std::max(height, block.size());
    for (const auto& line : block) block_width = std::max(block_width, width_of(line));
  }
  const std::size_t per_row = blocks_per_row(block_width, columns);
  std::string text;
  for (std::size_t first = 0; first < blocks.size(); first += per_row) {
    const std::size_t last = std::min(blocks.size(), first + per_row);
    for (std::size_t line = 0; line < height; ++line) {
      std::string row;
      for (std::size_t b = first; b < last; ++b) {
        const std::string& part = line < blocks[b].size() ? blocks[b][line] : std::string();
        row += part;
        if (b + 1 < last) row += std::string(block_width - width_of(part) + block_gap, ' ');
      }
      text += row.substr(0, row.find_last_not_of(' ') + 1) + "\n";
    }
    if (last < blocks.size()) text += "\n";
  }
  return text;
}

}  // namespace ctnn_digits
