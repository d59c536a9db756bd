#pragma once
/// @file
/// The library's version.

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0

namespace ctnn {
/// "major.minor.patch" of these headers.
inline constexpr const char* version = "0.1.0";
}  // namespace ctnn
