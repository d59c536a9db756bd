// Gradients against central differences: identity, sigmoid, hard_sigmoid, relu.
#include "gradient_check.hpp"

using namespace ctnn_test;

TEST_CASE("gradients match central differences: identity", "[nn][gradient]") { check_every_loss<ctnn::dense<6, ctnn::identity>>(); }
TEST_CASE("gradients match central differences: sigmoid", "[nn][gradient]") { check_every_loss<ctnn::dense<6, ctnn::sigmoid>>(); }
TEST_CASE("gradients match central differences: hard_sigmoid", "[nn][gradient]") { check_every_loss<ctnn::dense<6, ctnn::hard_sigmoid>>(); }
TEST_CASE("gradients match central differences: relu", "[nn][gradient]") { check_every_loss<ctnn::dense<6, ctnn::relu>>(); }
