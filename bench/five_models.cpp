// The five standard workload models as a user instantiates them: a fused training step for
// the three trained ones, a one-sample forward pass for the two inference ones. Nothing runs
// it; bench/compile_time.sh times its compilation (the cost of the library's templates to a
// user), and the build compiles it so that it cannot rot.
#include "models.hpp"

using ctnn_bench::lee_model;
using ctnn_bench::mlp_model;
using ctnn_bench::small_model;
using ctnn_bench::wide_model;

template <class Model, class Loss>
float train_step(Model& net, const ctnn::dataset<float, Model::input_size, Model::output_size>& data) {
  ctnn::trainer step(net, Loss{}, ctnn::sgd{.learning_rate = 0.01f}, data.size());
  return step(data);
}

float lee_step(lee_model& net, const ctnn::dataset<float, 1, 1>& data) {
  return train_step<lee_model, ctnn::mse>(net, data);
}
float mlp_step(mlp_model& net, const ctnn::dataset<float, 784, 10>& data) {
  return train_step<mlp_model, ctnn::cross_entropy>(net, data);
}
float wide_step(wide_model& net, const ctnn::dataset<float, 1024, 10>& data) {
  return train_step<wide_model, ctnn::cross_entropy>(net, data);
}
ctnn::vector<float, 1> small_forward(const small_model& net, const ctnn::vector<float, 16>& x) { return net(x); }
ctnn::vector<float, 10> mlp_forward(const mlp_model& net, const ctnn::vector<float, 784>& x) { return net(x); }
