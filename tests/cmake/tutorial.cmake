# The C++ blocks of docs/tutorial.md against the code they quote:
#
#   cmake -DSOURCE_DIR=<repository> [-DDOC=<markdown file>] -P tutorial.cmake
#
# A region of code is the lines between two marker comments, each alone on its line, in
# examples/*.cpp or tests/docs/*.cpp:
#
#     // [tutorial: gradient-descent]
#     ...
#     // [/tutorial]
#
# and the tutorial quotes it in a ```cpp block right after an HTML comment naming the region
# and its file:
#
#     <!-- tutorial: gradient-descent (examples/01_linear_regression.cpp) -->
#
# The block must equal the region with the region's common indentation removed. The check
# fails, naming the region, its file and the block's line, when a block differs from its
# region, when a block names a region that no file defines or the wrong file, when a C++
# block has no marker, and when a region is missing from the tutorial or quoted twice.
cmake_minimum_required(VERSION 3.21)
if(NOT DEFINED SOURCE_DIR)
  message(FATAL_ERROR "tutorial.cmake needs -DSOURCE_DIR=<the repository>")
endif()
if(NOT DEFINED DOC)
  set(DOC "${SOURCE_DIR}/docs/tutorial.md")
endif()
file(RELATIVE_PATH doc_name "${SOURCE_DIR}" "${DOC}")

# Text is handled as strings, never as CMake lists: C++ is full of ';' and '[', which lists
# would split or join. ctnn_pop_line takes the first line off the string in `rest_var` (and
# its '\r', if any) into `line_var`; `more_var` is false when there was no line left.
function(ctnn_pop_line rest_var line_var more_var)
  set(rest "${${rest_var}}")
  if(rest STREQUAL "")
    set(${more_var} FALSE PARENT_SCOPE)
    return()
  endif()
  string(FIND "${rest}" "\n" end)
  if(end EQUAL -1)
    set(line "${rest}")
    set(rest "")
  else()
    string(SUBSTRING "${rest}" 0 ${end} line)
    math(EXPR next "${end} + 1")
    string(SUBSTRING "${rest}" ${next} -1 rest)
  endif()
  string(REGEX REPLACE "\r$" "" line "${line}")
  set(${rest_var} "${rest}" PARENT_SCOPE)
  set(${line_var} "${line}" PARENT_SCOPE)
  set(${more_var} TRUE PARENT_SCOPE)
endfunction()

# `text` (lines ending in '\n') with the first `indent` characters of every line removed;
# lines of spaces only become empty.
function(ctnn_remove_indent text indent out_var)
  set(result "")
  set(rest "${text}")
  while(TRUE)
    ctnn_pop_line(rest line more)
    if(NOT more)
      break()
    endif()
    if(line MATCHES "^ *$")
      string(APPEND result "\n")
    else()
      string(SUBSTRING "${line}" ${indent} -1 line)
      string(APPEND result "${line}\n")
    endif()
  endwhile()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# The first line (from 1) where texts `a` and `b` differ, and that line of each ("(none)"
# past the end of a text).
function(ctnn_first_difference a b number_var a_line_var b_line_var)
  set(number 0)
  while(TRUE)
    math(EXPR number "${number} + 1")
    ctnn_pop_line(a line_a more_a)
    ctnn_pop_line(b line_b more_b)
    if(NOT more_a)
      set(line_a "(none)")
    endif()
    if(NOT more_b)
      set(line_b "(none)")
    endif()
    if(NOT more_a AND NOT more_b)
      break()
    endif()
    if(NOT line_a STREQUAL line_b OR NOT more_a OR NOT more_b)
      break()
    endif()
  endwhile()
  set(${number_var} ${number} PARENT_SCOPE)
  set(${a_line_var} "${line_a}" PARENT_SCOPE)
  set(${b_line_var} "${line_b}" PARENT_SCOPE)
endfunction()

set(problems "")
set(region_names "")

# ---- The regions of the sources ----
file(GLOB sources RELATIVE "${SOURCE_DIR}"
     "${SOURCE_DIR}/examples/*.cpp" "${SOURCE_DIR}/tests/docs/*.cpp")
list(SORT sources)
foreach(source IN LISTS sources)
  file(READ "${SOURCE_DIR}/${source}" rest)
  set(number 0)
  set(open "")
  while(TRUE)
    ctnn_pop_line(rest line more)
    if(NOT more)
      break()
    endif()
    math(EXPR number "${number} + 1")
    if(line MATCHES "^[ \t]*// \\[tutorial: ([a-z0-9-]+)\\][ \t]*$")
      set(name "${CMAKE_MATCH_1}")
      if(NOT open STREQUAL "")
        string(APPEND problems "${source}:${number}: region '${name}' starts inside region '${open}'\n")
      elseif(DEFINED region_file_${name})
        string(APPEND problems "${source}:${number}: region '${name}' is already defined at "
                               "${region_file_${name}}:${region_line_${name}}\n")
        set(open "(duplicate)")  # read to its end marker, and dropped
        set(text "")
      else()
        set(open "${name}")
        set(text "")
        set(indent 1000000)
        list(APPEND region_names "${name}")
        set(region_file_${name} "${source}")
        set(region_line_${name} ${number})
      endif()
    elseif(line MATCHES "^[ \t]*// \\[/tutorial\\][ \t]*$")
      if(open STREQUAL "")
        string(APPEND problems "${source}:${number}: '// [/tutorial]' outside a region\n")
      else()
        if(NOT open STREQUAL "(duplicate)")
          ctnn_remove_indent("${text}" ${indent} region_text_${open})
        endif()
        set(open "")
      endif()
    elseif(line MATCHES "^[ \t]*//[ \t]*\\[/?tutorial")
      string(APPEND problems "${source}:${number}: a tutorial marker must be alone on its line, as "
                             "'// [tutorial: name]' (name of a-z, 0-9, -) or '// [/tutorial]'\n")
    elseif(NOT open STREQUAL "")
      string(APPEND text "${line}\n")
      if(NOT line MATCHES "^ *$")
        string(REGEX REPLACE "^ +" "" unindented "${line}")
        string(LENGTH "${line}" length)
        string(LENGTH "${unindented}" leading)
        math(EXPR leading "${length} - ${leading}")
        if(leading LESS indent)
          set(indent ${leading})
        endif()
      endif()
    endif()
  endwhile()
  if(open STREQUAL "(duplicate)")
    string(APPEND problems "${source}: the second region '${name}' has no '// [/tutorial]'\n")
  elseif(NOT open STREQUAL "")
    string(APPEND problems "${source}: region '${open}' (line ${region_line_${open}}) has no '// [/tutorial]'\n")
    set(region_unclosed_${open} TRUE)  # reported here; its block is not compared
  endif()
endforeach()

# ---- The C++ blocks of the tutorial ----
if(NOT EXISTS "${DOC}")
  message(FATAL_ERROR "${doc_name} does not exist")
endif()
file(READ "${DOC}" rest)
set(number 0)
set(marker "")      # the region named by the last marker, until its block
set(fence "")       # the language of the fenced block we are in ("" outside)
set(blocks 0)
while(TRUE)
  ctnn_pop_line(rest line more)
  if(NOT more)
    break()
  endif()
  math(EXPR number "${number} + 1")
  if(fence STREQUAL "")
    if(line MATCHES "^<!-- tutorial: ([a-z0-9-]+) \\(([^)]+)\\) -->$")
      if(NOT marker STREQUAL "")
        string(APPEND problems "${doc_name}:${marker_line}: the marker of '${marker}' is not followed by a ```cpp block\n")
      endif()
      set(marker "${CMAKE_MATCH_1}")
      set(marker_file "${CMAKE_MATCH_2}")
      set(marker_line ${number})
    elseif(line MATCHES "^<!-- *tutorial")
      string(APPEND problems "${doc_name}:${number}: a marker must read '<!-- tutorial: name (file) -->'\n")
    elseif(line MATCHES "^```(.*)$")
      set(fence "${CMAKE_MATCH_1}")
      if(fence STREQUAL "")
        set(fence "(none)")
      endif()
      set(block_line ${number})
      set(block "")
      if(NOT fence MATCHES "^(cpp|c\\+\\+|C\\+\\+)$" AND NOT marker STREQUAL "")
        string(APPEND problems "${doc_name}:${marker_line}: the marker of '${marker}' is followed by a "
                               "```${fence} block, not ```cpp\n")
        set(marker "")
      endif()
    elseif(NOT line STREQUAL "" AND NOT marker STREQUAL "")
      string(APPEND problems "${doc_name}:${marker_line}: the marker of '${marker}' is not followed by a ```cpp block\n")
      set(marker "")
    endif()
  elseif(line MATCHES "^```[ \t]*$")
    if(fence MATCHES "^(cpp|c\\+\\+|C\\+\\+)$")
      math(EXPR blocks "${blocks} + 1")
      if(marker STREQUAL "")
        string(APPEND problems "${doc_name}:${block_line}: this C++ block quotes no region: put "
                               "'<!-- tutorial: name (file) -->' above it and mark the region in the file\n")
      elseif(NOT DEFINED region_file_${marker})
        string(APPEND problems "${doc_name}:${block_line}: region '${marker}' (${marker_file}) is not "
                               "defined in examples/*.cpp or tests/docs/*.cpp\n")
      elseif(NOT marker_file STREQUAL region_file_${marker})
        string(APPEND problems "${doc_name}:${marker_line}: region '${marker}' is in "
                               "${region_file_${marker}}, not in ${marker_file}\n")
      elseif(DEFINED quoted_${marker})
        string(APPEND problems "${doc_name}:${block_line}: region '${marker}' is already quoted at "
                               "${doc_name}:${quoted_${marker}}\n")
      elseif(region_unclosed_${marker})
        # reported with its file
      elseif(NOT block STREQUAL region_text_${marker})
        ctnn_first_difference("${region_text_${marker}}" "${block}" at in_region in_block)
        math(EXPR doc_at "${block_line} + ${at}")
        math(EXPR source_at "${region_line_${marker}} + ${at}")
        string(APPEND problems
               "region '${marker}' of ${region_file_${marker}} differs from its block at ${doc_name}:${block_line}\n"
               "  first difference, line ${at} of the region:\n"
               "    ${region_file_${marker}}:${source_at}: ${in_region}\n"
               "    ${doc_name}:${doc_at}: ${in_block}\n")
      endif()
      if(NOT marker STREQUAL "" AND NOT DEFINED quoted_${marker})
        set(quoted_${marker} ${block_line})
      endif()
    endif()
    set(fence "")
    set(marker "")
  else()
    string(APPEND block "${line}\n")
  endif()
endwhile()
if(NOT fence STREQUAL "")
  string(APPEND problems "${doc_name}:${block_line}: this block is not closed\n")
endif()
if(NOT marker STREQUAL "")
  string(APPEND problems "${doc_name}:${marker_line}: the marker of '${marker}' is not followed by a ```cpp block\n")
endif()

foreach(name IN LISTS region_names)
  if(NOT DEFINED quoted_${name})
    string(APPEND problems "region '${name}' of ${region_file_${name}}:${region_line_${name}} is not quoted "
                           "in ${doc_name}: quote it there, or remove its markers\n")
  endif()
endforeach()

list(LENGTH region_names regions)
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${doc_name} and the code it quotes disagree:\n${problems}")
endif()
message(STATUS "${doc_name}: ${blocks} C++ blocks, each the region of code it names (${regions} regions)")
