# Reads SETTINGS (written by tests/CMakeLists.txt at generate time: the compiler, flags,
# include directories and definitions of ctnn's own programs) and sets CTNN_ARGUMENTS to the
# command-line options that compile a translation unit as those programs are compiled.
include("${SETTINGS}")

set(CTNN_ARGUMENTS ${CTNN_CXX_FLAGS})
foreach(directory IN LISTS CTNN_INCLUDE_DIRECTORIES)
  # The compiler's own directories must stay last in its search order (#include_next).
  if(directory IN_LIST CTNN_IMPLICIT_INCLUDE_DIRECTORIES)
    continue()
  elseif(directory STREQUAL CTNN_OWN_INCLUDE_DIRECTORY)
    list(APPEND CTNN_ARGUMENTS "-I${directory}")
  else()
    list(APPEND CTNN_ARGUMENTS -isystem "${directory}")  # as CMake passes imported targets
  endif()
endforeach()
foreach(definition IN LISTS CTNN_COMPILE_DEFINITIONS)
  list(APPEND CTNN_ARGUMENTS "-D${definition}")
endforeach()
