#pragma once
/// @file
/// The one exception type of ctnn.

#include <stdexcept>
#include <string>

namespace ctnn {

/// Thrown for every error ctnn detects at run time: a batch whose size does not match, a
/// file that is truncated or not a ctnn file, a dataset of the wrong width, a loss that is
/// no longer finite. The message names what was expected and what was found, and the file
/// when there is one. Operations that throw leave their arguments as they were unless their
/// documentation says otherwise.
///
/// @code
/// try {
///   y = x1 + x2;                          // batches of 32 and 64 rows
/// } catch (const ctnn::error& e) {
///   std::cerr << e.what() << '\n';        // "element-wise operation on batches of 32 and 64 rows"
/// }
/// @endcode
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ctnn
