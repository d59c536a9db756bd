# Compiles one translation unit with the project's compiler and flags, and checks the result.
#
#   cmake -DSOURCE=<file.cpp> -DSETTINGS=<compile_settings.cmake> -DEXPECT=error|success
#         [-DEXTRA_FLAGS=<flag;...>] -P compile.cmake
#
# EXPECT=error: the compilation must fail, and the diagnostic must match every regex given by
# the `// expect: <regex>` lines that open SOURCE (CMake regex syntax, in which `.` also
# matches a newline; `\s` is accepted and stands for one whitespace character, because g++
# prints `shape<3> >` where clang prints `shape<3>>`).
# A line `// gcc-lines: <n>` right after them bounds the length of g++'s whole diagnostic: a check
# that speaks first must not be buried in a cascade of errors that follow from it.
# EXPECT=success: the compilation must succeed (a control, or a header on its own).
#
# SETTINGS is written by tests/CMakeLists.txt at generate time: the compiler, its flags,
# include directories and definitions, as the project's own programs use them.

cmake_minimum_required(VERSION 3.21)

foreach(variable SOURCE SETTINGS EXPECT)
  if(NOT DEFINED ${variable})
    message(FATAL_ERROR "compile.cmake needs -D${variable}=...")
  endif()
endforeach()
if(NOT EXPECT MATCHES "^(error|success)$")
  message(FATAL_ERROR "EXPECT must be 'error' or 'success', not '${EXPECT}'")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/arguments.cmake")
set(arguments ${CTNN_ARGUMENTS})
list(APPEND arguments ${EXTRA_FLAGS} -fsyntax-only "${SOURCE}")

# Plain quotes and no colours, whatever the caller's locale and terminal.
set(ENV{LC_ALL} C)
set(ENV{GCC_COLORS} "")
execute_process(
  COMMAND "${CTNN_CXX_COMPILER}" ${arguments}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

# The first lines of the diagnostic: what a user reads, and enough to see what went wrong.
# (Plain string operations: the output holds `;` and `[`, which CMake lists would mangle.)
set(head "")
set(rest "${output}")
set(line_count 0)
while(line_count LESS 25 AND NOT rest STREQUAL "")
  math(EXPR line_count "${line_count} + 1")
  string(FIND "${rest}" "\n" end)
  if(end EQUAL -1)
    string(APPEND head "${rest}\n")
    set(rest "")
  else()
    math(EXPR end "${end} + 1")
    string(SUBSTRING "${rest}" 0 ${end} line)
    string(SUBSTRING "${rest}" ${end} -1 rest)
    string(APPEND head "${line}")
  endif()
endwhile()
if(NOT rest STREQUAL "")
  string(REGEX MATCHALL "\n" newlines "${output}")
  list(LENGTH newlines line_count)
  string(APPEND head "... (${line_count} lines in all)\n")
endif()
list(JOIN arguments " " command_line)
set(command_line "${CTNN_CXX_COMPILER} ${command_line}")

# Prints the diagnostic as the compiler wrote it (FATAL_ERROR would re-wrap it), then fails.
function(fail)
  message("${head}\ncommand: ${command_line}\n")
  string(JOIN "" reason ${ARGV})
  message(FATAL_ERROR "${reason}")
endfunction()

if(NOT status MATCHES "^[0-9]+$")
  fail("the compiler did not run: ${status}")
endif()

if(EXPECT STREQUAL "success")
  if(NOT status EQUAL 0)
    fail("${SOURCE} must compile, but the compiler rejects it (diagnostic above)")
  endif()
  return()
endif()

if(status EQUAL 0)
  fail("${SOURCE} compiled, but the compiler must reject it")
endif()

file(READ "${SOURCE}" rest)
set(expectation_count 0)
if(rest MATCHES "^(// expect: [^\n]*\n)*// gcc-lines: ([0-9]+)" AND CTNN_CXX_COMPILER_ID STREQUAL "GNU")
  set(limit "${CMAKE_MATCH_2}")
  string(REGEX MATCHALL "\n" newlines "${output}")
  list(LENGTH newlines total_lines)
  if(total_lines GREATER limit)
    fail("${SOURCE} was rejected, but g++ wrote ${total_lines} lines, more than the ${limit} of its\n"
         "  // gcc-lines: ${limit}\n")
  endif()
endif()
while(rest MATCHES "^// expect: ([^\n]*)\n?(.*)$")
  set(regex "${CMAKE_MATCH_1}")
  set(rest "${CMAKE_MATCH_2}")
  math(EXPR expectation_count "${expectation_count} + 1")
  set(expectation "${regex}")
  string(REPLACE "\\s" "[ \t\r\n]" regex "${regex}")
  if(NOT output MATCHES "${regex}")
    fail("${SOURCE} was rejected, but the diagnostic above does not match\n"
         "  // expect: ${expectation}\n")
  endif()
endwhile()
if(expectation_count EQUAL 0)
  message(FATAL_ERROR "${SOURCE} must begin with a line `// expect: <regex>`")
endif()
