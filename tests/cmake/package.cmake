# The ways a project can use ctnn, each as a consumer project built from scratch:
#
#   cmake -DSTEP=install|find_package|add_subdirectory -DSOURCE_DIR=<ctnn> -DWORK_DIR=<dir>
#         -DGENERATOR=<g> -DCXX_COMPILER=<c++> [-DMAKE_PROGRAM=<p>] [-DBUILD_TYPE=<t>]
#         -P package.cmake
#
# install:          configures ctnn alone (no tests, benchmarks or examples) and installs it
#                   into WORK_DIR/prefix.
# find_package:     builds tests/cmake/consumer against that prefix (CMAKE_PREFIX_PATH) and
#                   runs it; the consumer must find the installed package, not another one.
# add_subdirectory: builds the same consumer with ctnn's source tree as a subdirectory.

cmake_minimum_required(VERSION 3.21)

foreach(variable STEP SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "package.cmake needs -D${variable}=...")
  endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
set(consumer "${SOURCE_DIR}/tests/cmake/consumer")
set(configure_options -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
if(MAKE_PROGRAM)
  list(APPEND configure_options "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(BUILD_TYPE)
  list(APPEND configure_options "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()

# Runs one command, its output going to the test's log; stops the test if it fails.
function(run what)
  message(STATUS "${what}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status COMMAND_ECHO STDOUT)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what}: failed (${status})")
  endif()
endfunction()

if(STEP STREQUAL "install")
  set(build "${WORK_DIR}/ctnn-build")
  file(REMOVE_RECURSE "${build}" "${prefix}")  # no file left over from an earlier run
  run("configure ctnn" ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${build}" ${configure_options}
      -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_BENCHMARKS=OFF -DCTNN_BUILD_EXAMPLES=OFF
      "-DCMAKE_INSTALL_PREFIX=${prefix}")
  run("build ctnn" ${CMAKE_COMMAND} --build "${build}")
  run("install ctnn" ${CMAKE_COMMAND} --install "${build}")
  foreach(file include/ctnn/ctnn.hpp share/cmake/ctnn/ctnnConfig.cmake
               share/cmake/ctnn/ctnnConfigVersion.cmake share/cmake/ctnn/ctnnTargets.cmake)
    if(NOT EXISTS "${prefix}/${file}")
      message(FATAL_ERROR "the installation lacks ${file}")
    endif()
  endforeach()
  return()
endif()

set(build "${WORK_DIR}/${STEP}")
file(REMOVE_RECURSE "${build}")
if(STEP STREQUAL "find_package")
  if(NOT EXISTS "${prefix}/share/cmake/ctnn/ctnnConfig.cmake")
    message(FATAL_ERROR "ctnn is not installed in ${prefix}: run the test 'package: install'")
  endif()
  run("configure the consumer" ${CMAKE_COMMAND} -S "${consumer}" -B "${build}"
      ${configure_options} "-DCMAKE_PREFIX_PATH=${prefix}")
  file(STRINGS "${build}/CMakeCache.txt" found REGEX "^ctnn_DIR:")
  if(NOT found STREQUAL "ctnn_DIR:PATH=${prefix}/share/cmake/ctnn")
    message(FATAL_ERROR "find_package found another ctnn: ${found}")
  endif()
elseif(STEP STREQUAL "add_subdirectory")
  run("configure the consumer" ${CMAKE_COMMAND} -S "${consumer}" -B "${build}"
      ${configure_options} "-DCTNN_SOURCE_DIR=${SOURCE_DIR}")
else()
  message(FATAL_ERROR "unknown STEP '${STEP}'")
endif()
run("build the consumer" ${CMAKE_COMMAND} --build "${build}")
run("run the consumer" "${build}/app")
