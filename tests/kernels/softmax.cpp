// Tests of kernels::softmax_rows against a scalar reference in double: ordinary rows, rows of
// large negative values (the zero padding must not be taken for the maximum) and rows of
// large positive values (exp would overflow without subtracting the maximum).
#include "support.hpp"

#include <ctnn/kernels/softmax.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace ctnn_test;
namespace kernels = ctnn::kernels;

}  // namespace

TEMPLATE_TEST_CASE("softmax_rows: stable softmax of each row, padding kept zero",
                   "[kernels][softmax]", float, double) {
  using T = TestType;
  // exp(big) overflows T: only the subtraction of the maximum keeps the result finite.
  const double big = std::is_same_v<T, float> ? 100.0 : 1000.0;
  uniform ordinary(31, -5, 5), negative(32, -1000, -990), positive(33, big - 10, big);
  failure_log values, sums, padding, outside;
  for (const std::size_t rows : odd_sizes)
    for (const std::size_t cols : odd_sizes) {
      dense z(rows, cols);
      for (std::size_t r = 0; r < rows; ++r) {
        uniform& u = r % 3 == 0 ? ordinary : r % 3 == 1 ? negative : positive;
        for (std::size_t c = 0; c < cols; ++c) z(r, c) = static_cast<double>(static_cast<T>(u()));
      }
      // The reference in double.
      dense want(rows, cols);
      for (std::size_t r = 0; r < rows; ++r) {
        double top = z(r, 0), total = 0;
        for (std::size_t c = 0; c < cols; ++c) top = std::max(top, z(r, c));
        for (std::size_t c = 0; c < cols; ++c) total += want(r, c) = std::exp(z(r, c) - top);
        for (std::size_t c = 0; c < cols; ++c) want(r, c) /= total;
      }
      const matrix<T> input = store<T>(z, false, 2);
      for_each_arch([&]<class Arch>() {
        std::ostringstream s;
        s << '[' << Arch::name() << ' ' << type_name<T> << "] softmax of " << rows << " x " << cols;
        const std::string where = s.str();
        matrix<T> p = input;
        p.fill_extra_rows(sentinel<T>);
        kernels::softmax_rows<T, Arch>(rows, cols, p.data(), p.stride);
        // exp to a few ulp, the subtraction of the maximum, and the normalising sum.
        const double relative = double(cols + 16) * eps<T>;
        for (std::size_t r = 0; r < rows; ++r) {
          double total = 0;
          for (std::size_t c = 0; c < cols; ++c) {
            total += p(r, c);
            const double bound = relative * want(r, c) + 4 * std::numeric_limits<T>::min();
            if (!close(p(r, c), want(r, c), bound))
              values.add(where, ": p(", r, ", ", c, ") = ", p(r, c), ", expected ", want(r, c),
                         " ± ", bound, " (z = ", z(r, c), ")");
          }
          if (!close(total, 1.0, relative))
            sums.add(where, ": row ", r, " sums to ", total);
        }
        check_padding(p, padding, where);
        check_extra_rows(p, sentinel<T>, outside, where);
      });
    }
  CTNN_CHECK_LOG(values);
  CTNN_CHECK_LOG(sums);
  CTNN_CHECK_LOG(padding);
  CTNN_CHECK_LOG(outside);
}
