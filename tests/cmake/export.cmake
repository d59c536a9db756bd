# An exported model used by a second program that includes only the exported headers:
#
#   cmake -DGENERATOR=<export_generator> -DCONSUMER=<export_consumer.cpp> -DWORK_DIR=<folder>
#         -DSETTINGS=<compile_settings.cmake> -P export.cmake
#
# runs GENERATOR (which writes the headers and the outputs it computed into WORK_DIR),
# compiles CONSUMER with ctnn's compiler and flags and WORK_DIR on the include path, and runs
# it: it fails unless every exported network computes the recorded outputs bit for bit.
cmake_minimum_required(VERSION 3.21)
foreach(variable GENERATOR CONSUMER WORK_DIR SETTINGS)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "export.cmake needs -D${variable}=...")
  endif()
endforeach()
include("${CMAKE_CURRENT_LIST_DIR}/arguments.cmake")

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${GENERATOR}" "${WORK_DIR}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the generator failed (${status})")
endif()

set(ENV{LC_ALL} C)
execute_process(
  COMMAND "${CTNN_CXX_COMPILER}" ${CTNN_ARGUMENTS} "-I${WORK_DIR}" "${CONSUMER}" -o "${WORK_DIR}/consumer" -lz
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the program that includes the exported headers does not compile:\n${output}")
endif()
execute_process(COMMAND "${WORK_DIR}/consumer" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "the exported networks do not compute the original outputs (${status})")
endif()
