#pragma once
/// @file
/// The library's version.

/// Major version of these headers: a macro, so that `#if` can test it.
#define CTNN_VERSION_MAJOR 0
/// Minor version. Releases with the same major and minor versions are compatible (the rule
/// of the installed CMake package).
#define CTNN_VERSION_MINOR 1
/// Patch version: tells apart the releases of one minor version, which are compatible.
#define CTNN_VERSION_PATCH 0

namespace ctnn {
/// "major.minor.patch" of these headers.
inline constexpr const char* version = "0.1.0";
}  // namespace ctnn
