// expect: dense_layer<2>::declares_inputs<4>::but_previous_layer_has_outputs<8>
// expect: a dense layer's explicit input count must equal the previous layer's size
// gcc-lines: 25
#include <ctnn/ctnn.hpp>

int main() {
#ifdef CTNN_COMPILE_FAIL_CONTROL
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<8, 2, ctnn::identity>> net;
#else
  ctnn::network<ctnn::input<4>, ctnn::dense<8, ctnn::relu>, ctnn::dense<4, 2, ctnn::identity>> net;
#endif
  (void)net;
}
