#pragma once
/// @file
/// Training: datasets, the one-step trainer and its policies, fit, evaluate and gradient.

#include <ctnn/train/dataset.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/train/trainer.hpp>
