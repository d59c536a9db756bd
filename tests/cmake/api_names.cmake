# Checks that docs/api.md names every public name of ctnn's headers.
#
#   cmake -P tests/cmake/api_names.cmake                 # from the source folder
#   cmake -DSOURCE_DIR=<ctnn> [-DAPI_DOC=<file>] [-DPRINT=ON] -P tests/cmake/api_names.cmake
#
# A public name is one declared at namespace scope in `ctnn` or a namespace inside it
# (`ctnn::io`, `ctnn::simd`, `ctnn::kernels`, `ctnn::activations`, `ctnn::diagnostic`, ...),
# outside any namespace called `detail`, in a header under include/ctnn/:
#   - `struct X`, `class X`, `union X` (definitions; forward declarations are skipped),
#     `enum class X`, `concept X`;
#   - `using X = ...` and using-declarations (`using detail::max;` makes `ctnn::max`);
#   - `constexpr` variables (`inline constexpr ... X = ...`, `... X{}`);
#   - functions and function templates (operators excepted);
#   - macros `CTNN_...` that the header does not `#undef` again.
# Members of classes are not listed (the api's tables cover them with their class).
#
# docs/api.md must contain each one qualified, as `ctnn::io::load_csv` or `ctnn::simd::pack`
# (a macro by its name), not followed by another letter, digit or `_`. The extraction reads
# lines, not C++: it strips comments and literals, follows braces to know the scope, and
# expects the library's layout (one `namespace ... {` per line, a declaration's name on the
# line where it starts). A header written otherwise can hide a name, so the script also fails
# when it finds implausibly few names.
#
# Exit status: 0 when every name is in the file; otherwise the message lists the missing
# names with their headers, and the status is non-zero.

cmake_minimum_required(VERSION 3.21)

if(NOT DEFINED SOURCE_DIR)
  get_filename_component(SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
endif()
if(NOT DEFINED API_DOC)
  set(API_DOC "${SOURCE_DIR}/docs/api.md")
endif()
set(include_dir "${SOURCE_DIR}/include")
if(NOT EXISTS "${API_DOC}")
  message(FATAL_ERROR "api_names: ${API_DOC} does not exist")
endif()

file(GLOB_RECURSE headers RELATIVE "${include_dir}" "${include_dir}/ctnn/*.hpp")
list(SORT headers)
if(NOT headers)
  message(FATAL_ERROR "api_names: no headers under ${include_dir}/ctnn")
endif()

# Characters that CMake's lists treat specially are replaced by control characters before a
# file is split into lines: `;` (the list separator), `[` and `]` (which group list elements)
# and `\` (which escapes). Lines get `[`, `]` and `;` back; `\` stays replaced, so the literal
# patterns below can tell an escaped quote.
string(ASCII 1 semicolon_mark)
string(ASCII 2 open_mark)
string(ASCII 3 close_mark)
string(ASCII 4 backslash)

set(identifier "[A-Za-z_][A-Za-z0-9_]*")
# Words that are followed by `(` but do not name a function.
set(not_functions alignas alignof decltype noexcept requires return sizeof static_assert
    static_cast reinterpret_cast const_cast dynamic_cast if for while switch catch throw
    defined operator)

set(found "")          # qualified names, in order of discovery
set(found_headers "")  # the header of each, same order

macro(record qualified header)
  list(FIND found "${qualified}" _index)
  if(_index EQUAL -1)
    list(APPEND found "${qualified}")
    list(APPEND found_headers "${header}")
  endif()
endmacro()

foreach(header IN LISTS headers)
  file(READ "${include_dir}/${header}" text)
  string(REPLACE "\\" "${backslash}" text "${text}")
  string(REPLACE "[" "${open_mark}" text "${text}")
  string(REPLACE "]" "${close_mark}" text "${text}")
  string(REPLACE ";" "${semicolon_mark}" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")

  set(stack "")          # one entry per open brace: "ns:<name>" for a namespace, else "-"
  set(in_comment FALSE)  # inside /* ... */
  set(template_depth 0)  # inside a template parameter list that began on an earlier line
  set(defined_macros "")
  set(undefined_macros "")

  foreach(raw IN LISTS lines)
    string(REPLACE "${open_mark}" "[" raw "${raw}")
    string(REPLACE "${close_mark}" "]" raw "${raw}")
    string(REPLACE "${semicolon_mark}" ";" raw "${raw}")

    if(NOT in_comment AND raw MATCHES "^[ \t]*#")
      if(raw MATCHES "^[ \t]*#[ \t]*define[ \t]+(CTNN_[A-Z0-9_]*)")
        list(APPEND defined_macros "${CMAKE_MATCH_1}")
      elseif(raw MATCHES "^[ \t]*#[ \t]*undef[ \t]+(CTNN_[A-Z0-9_]*)")
        list(APPEND undefined_macros "${CMAKE_MATCH_1}")
      endif()
      continue()
    endif()

    # The line without comments, and with every string and character literal emptied.
    set(line "")
    set(rest "${raw}")
    while(NOT rest STREQUAL "")
      if(in_comment)
        string(FIND "${rest}" "*/" end)
        if(end EQUAL -1)
          set(rest "")
        else()
          math(EXPR end "${end} + 2")
          string(SUBSTRING "${rest}" ${end} -1 rest)
          set(in_comment FALSE)
        endif()
        continue()
      endif()
      if(rest MATCHES "^[^\"'/]+")
        string(APPEND line "${CMAKE_MATCH_0}")
        string(LENGTH "${CMAKE_MATCH_0}" length)
        string(SUBSTRING "${rest}" ${length} -1 rest)
      endif()
      if(rest STREQUAL "")
        break()
      elseif(rest MATCHES "^//")
        set(rest "")
      elseif(rest MATCHES "^/\\*")
        set(in_comment TRUE)
        string(SUBSTRING "${rest}" 2 -1 rest)
      elseif(rest MATCHES "^/")
        string(APPEND line "/")
        string(SUBSTRING "${rest}" 1 -1 rest)
      elseif(rest MATCHES "^\"([^\"${backslash}]|${backslash}.)*\"")
        string(LENGTH "${CMAKE_MATCH_0}" length)
        string(SUBSTRING "${rest}" ${length} -1 rest)
        string(APPEND line " 0 ")
      elseif(rest MATCHES "^'([^'${backslash}]|${backslash}.)*'")
        string(LENGTH "${CMAKE_MATCH_0}" length)
        string(SUBSTRING "${rest}" ${length} -1 rest)
        string(APPEND line " 0 ")
      else()
        set(rest "")  # an unterminated quote: nothing after it counts
      endif()
    endwhile()

    # The scope at the start of the line: namespace scope when every open brace is a
    # namespace's; public when none of those namespaces is `detail` or anonymous.
    set(namespace "")
    set(public TRUE)
    if(NOT stack)
      set(public FALSE)
    endif()
    foreach(entry IN LISTS stack)
      if(NOT entry MATCHES "^ns:(.*)$")
        set(public FALSE)
        break()
      endif()
      set(name "${CMAKE_MATCH_1}")
      if(name STREQUAL "" OR name MATCHES "(^|::)detail(::|$)")
        set(public FALSE)
        break()
      endif()
      if(namespace STREQUAL "")
        set(namespace "${name}")
      else()
        string(APPEND namespace "::${name}")
      endif()
    endforeach()
    if(public AND NOT namespace MATCHES "^ctnn(::|$)")
      set(public FALSE)
    endif()

    if(public)
      # `template <...>` at the start of the line (or going on from the lines above), removed
      # by counting angle brackets.
      set(declaration "${line}")
      set(position -1)
      if(template_depth GREATER 0)
        set(position 0)
      elseif(declaration MATCHES "^[ \t]*template[ \t]*<")
        string(FIND "${declaration}" "<" position)
      endif()
      if(position GREATER -1)
        string(LENGTH "${declaration}" length)
        set(cut -1)
        while(position LESS length)
          string(SUBSTRING "${declaration}" ${position} 1 character)
          if(character STREQUAL "<")
            math(EXPR template_depth "${template_depth} + 1")
          elseif(character STREQUAL ">")
            math(EXPR template_depth "${template_depth} - 1")
            if(template_depth EQUAL 0)
              set(cut ${position})
              break()
            endif()
          endif()
          math(EXPR position "${position} + 1")
        endwhile()
        if(cut EQUAL -1)
          set(declaration "")  # the parameter list goes on: the next line holds the rest
        else()
          math(EXPR cut "${cut} + 1")
          string(SUBSTRING "${declaration}" ${cut} -1 declaration)
        endif()
      endif()

      set(names "")
      if(declaration MATCHES "(^|[^A-Za-z0-9_])concept[ \t]+(${identifier})")
        set(names "${CMAKE_MATCH_2}")
      elseif(declaration MATCHES "^[ \t]*enum[ \t]+(class[ \t]+|struct[ \t]+)?(${identifier})")
        set(names "${CMAKE_MATCH_2}")
      elseif(declaration MATCHES "^[ \t]*(struct|class|union)[ \t]+(${identifier})[ \t]*(.*)$")
        set(names "${CMAKE_MATCH_2}")
        if(CMAKE_MATCH_3 MATCHES "^;")
          set(names "")  # a forward declaration: the definition is recorded where it is
        endif()
      elseif(declaration MATCHES "^[ \t]*using[ \t]+namespace[ \t]")
        # not a name of its own
      elseif(declaration MATCHES "^[ \t]*using[ \t]+(${identifier})[ \t]*=")
        set(names "${CMAKE_MATCH_1}")
      elseif(declaration MATCHES "^[ \t]*using[ \t]+([A-Za-z0-9_:]*::)?(${identifier})[ \t]*;")
        set(names "${CMAKE_MATCH_2}")
      elseif(declaration MATCHES "^[ \t]*((inline|static)[ \t]+)*constexpr[ \t][^=;{(]*[^A-Za-z0-9_:](${identifier})[ \t]*(\\[[^]]*\\])?[ \t]*[={;]")
        set(names "${CMAKE_MATCH_3}")
      else()
        # A function: the first word followed by `(` that is not a keyword, with no `=`
        # before it (which would make it part of an initialiser).
        if(declaration MATCHES "^([^(]*[^A-Za-z0-9_]|)(${identifier})[ \t]*\\(")
          set(before "${CMAKE_MATCH_1}")
          set(word "${CMAKE_MATCH_2}")
          list(FIND not_functions "${word}" keyword)
          if(keyword EQUAL -1 AND NOT before MATCHES "=")
            set(names "${word}")
          endif()
        endif()
      endif()
      foreach(name IN LISTS names)
        record("${namespace}::${name}" "${header}")
      endforeach()
    endif()

    # Braces on this line open and close scopes.
    set(scan "${line}")
    while(scan MATCHES "^([^{}]*)([{}])(.*)$")
      set(before "${CMAKE_MATCH_1}")
      set(brace "${CMAKE_MATCH_2}")
      set(scan "${CMAKE_MATCH_3}")
      if(brace STREQUAL "{")
        if(before MATCHES "(^|[^A-Za-z0-9_])namespace[ \t]*([A-Za-z0-9_:]*)[ \t]*$")
          list(APPEND stack "ns:${CMAKE_MATCH_2}")
        else()
          list(APPEND stack "-")
        endif()
      elseif(stack)
        list(POP_BACK stack)
      endif()
    endwhile()
  endforeach()

  foreach(macro IN LISTS defined_macros)
    if(NOT macro IN_LIST undefined_macros)
      record("${macro}" "${header}")
    endif()
  endforeach()
endforeach()

list(LENGTH found count)
list(LENGTH headers header_count)
# ctnn.hpp's headers alone declare well over a hundred public names; far fewer means the
# extraction above has stopped understanding the headers, and a pass would mean nothing.
if(count LESS 100)
  message(FATAL_ERROR "api_names: found only ${count} public names in ${header_count} headers; "
                      "the extraction in ${CMAKE_CURRENT_LIST_FILE} no longer reads them")
endif()

file(READ "${API_DOC}" doc)
set(missing "")
set(missing_count 0)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  list(GET found ${i} name)
  list(GET found_headers ${i} header)
  if(PRINT)
    message(STATUS "${name}  (${header})")
  endif()
  if(NOT doc MATCHES "(^|[^A-Za-z0-9_:])${name}([^A-Za-z0-9_]|$)")
    string(APPEND missing "\n  ${name}  (include/${header})")
    math(EXPR missing_count "${missing_count} + 1")
  endif()
endforeach()

file(RELATIVE_PATH doc_name "${SOURCE_DIR}" "${API_DOC}")
if(missing_count GREATER 0)
  message(FATAL_ERROR "${doc_name} does not name ${missing_count} of the ${count} public names of "
                      "the headers (write each qualified, as `ctnn::io::load_csv`):${missing}")
endif()
message(STATUS "${doc_name} names all ${count} public names of ${header_count} headers")
