# Finds what the ctnn::ctnn target needs. Shared by the build tree (CMakeLists.txt) and by
# the installed package (ctnnConfig.cmake), so both resolve dependencies the same way.
#
# `ctnn_find` is `find_package` in the build tree and `find_dependency` in the package.
if(NOT COMMAND ctnn_find)
  macro(ctnn_find)
    find_package(${ARGV} REQUIRED)
  endmacro()
endif()

ctnn_find(xsimd 8.1)                  # xsimd
ctnn_find(ZLIB)                       # ZLIB::ZLIB

# Debian 12's libxsimd-dev (8.1.0-7) exports `xsimd` with INTERFACE_LINK_LIBRARIES "xtl" but
# neither depends on nor ships xtl, so every consumer would fail to link with "-lxtl". xtl is
# only needed for xsimd's optional xtl::xcomplex support (XSIMD_ENABLE_XTL_COMPLEX), which
# ctnn never enables, so the dangling link item is dropped when no xtl package is found.
if(TARGET xsimd AND NOT TARGET xtl)
  get_target_property(_ctnn_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
  if(_ctnn_xsimd_links AND "xtl" IN_LIST _ctnn_xsimd_links)
    find_package(xtl QUIET CONFIG)
    if(NOT xtl_FOUND)
      list(REMOVE_ITEM _ctnn_xsimd_links xtl)
      set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "${_ctnn_xsimd_links}")
    endif()
  endif()
  unset(_ctnn_xsimd_links)
endif()
