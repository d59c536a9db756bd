#pragma once
// The models of the five standard workloads (docs/benchmarks.md), shared by the benchmark
// program and the compile-time translation unit.
#include <ctnn/ctnn.hpp>

namespace ctnn_bench {

using lee_model = ctnn::network<ctnn::input<1>, ctnn::dense<64, ctnn::sigmoid>, ctnn::dense<1, ctnn::identity>>;
using mlp_model = ctnn::network<ctnn::input<784>, ctnn::dense<128, ctnn::relu>, ctnn::dense<64, ctnn::relu>,
                                ctnn::dense<10, ctnn::softmax>>;
using small_model = ctnn::network<ctnn::input<16>, ctnn::dense<32, ctnn::relu>, ctnn::dense<32, ctnn::relu>,
                                  ctnn::dense<1, ctnn::identity>>;
using wide_model = ctnn::network<ctnn::input<1024>, ctnn::dense<1024, ctnn::relu>, ctnn::dense<1024, ctnn::relu>,
                                 ctnn::dense<10, ctnn::softmax>>;

}  // namespace ctnn_bench
