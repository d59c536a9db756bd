#pragma once
/// @file
/// Networks: layers, the network type, losses, optimizers and initialisation.

#include <ctnn/nn/initialize.hpp>
#include <ctnn/nn/layers.hpp>
#include <ctnn/nn/losses.hpp>
#include <ctnn/nn/network.hpp>
#include <ctnn/nn/optimizers.hpp>
