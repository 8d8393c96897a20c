# What `cmake --install BUILD --prefix P` puts where (docs/install.md):
#
#   P/bin/lockscope, lockscope-gui
#   P/lib/lockscope/             liblockscope_record.so (the interposer
#                                `lockscope record` preloads), record_overhead
#                                (`bench --suite record-overhead`), examples/
#                                (programs to record)
#   P/share/lockscope/           scenarios/, machines/ (the presets as files),
#                                teaching/ (the GUI's bundled run)
#   P/share/doc/lockscope/       README.md and docs/
#   P/share/man/man1/            lockscope.1, lockscope-COMMAND.1,
#                                lockscope-gui.1 (when help2man was found)
#   P/share/applications/, icons/hicolor/, mime/packages/,
#   bash-completion/completions/ desktop entry, icon, .lstl MIME type,
#                                completion
#
# The binaries find their data from where they are, never from the source
# tree: ../share/lockscope/ and ../lib/lockscope/ beside bin/
# (gui/app/locate.hpp, engine/record/launch.hpp), and fall back on the
# build tree's paths only when those are absent. The private files go in
# lib/lockscope/, not in the multiarch libdir GNUInstallDirs picks for
# /usr, so that relative path holds whatever the prefix; Debian allows a
# package's private libraries in /usr/lib/PACKAGE/.
#
# Included at the end of the top-level CMakeLists.txt, when every target
# exists (install(TARGETS) takes targets from any folder).

include(GNUInstallDirs)
if(NOT CMAKE_INSTALL_BINDIR STREQUAL "bin" OR NOT CMAKE_INSTALL_DATADIR STREQUAL "share")
  message(FATAL_ERROR "CMAKE_INSTALL_BINDIR must be 'bin' and CMAKE_INSTALL_DATADIR 'share' (they are "
                      "'${CMAKE_INSTALL_BINDIR}' and '${CMAKE_INSTALL_DATADIR}'): the installed programs find "
                      "their data as ../share/lockscope beside their bin/")
endif()
set(LOCKSCOPE_INSTALL_PKGLIBDIR lib/lockscope)
set(LOCKSCOPE_INSTALL_PKGDATADIR ${CMAKE_INSTALL_DATADIR}/lockscope)

# RPATH: every lockscope library is static, so the programs link no shared
# library of ours and need no RPATH into the prefix. What they do need is
# every shared library they were linked with: INSTALL_RPATH_USE_LINK_PATH
# keeps the directory of any found outside the system's (a SimGrid built
# into /opt), and the build tree's RPATH is dropped on install.
set(installed_programs lockscope)
if(TARGET lockscope-gui)
  list(APPEND installed_programs lockscope-gui)
endif()
set_target_properties(${installed_programs} lockscope_record_interposer record_overhead
  rwlock_cache shared_mutex_nested
  PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)

install(TARGETS ${installed_programs} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS lockscope_record_interposer LIBRARY DESTINATION ${LOCKSCOPE_INSTALL_PKGLIBDIR})
install(TARGETS record_overhead RUNTIME DESTINATION ${LOCKSCOPE_INSTALL_PKGLIBDIR})
install(TARGETS rwlock_cache shared_mutex_nested RUNTIME DESTINATION ${LOCKSCOPE_INSTALL_PKGLIBDIR}/examples)

# Data.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${LOCKSCOPE_INSTALL_PKGDATADIR}/scenarios)
install(DIRECTORY ${LOCKSCOPE_MACHINE_FILES_DIR}/ DESTINATION ${LOCKSCOPE_INSTALL_PKGDATADIR}/machines
  FILES_MATCHING PATTERN "*.toml")
if(TARGET lockscope_gui_teaching)
  install(FILES ${PROJECT_BINARY_DIR}/gui/teaching/bouncing.central.lstl
                ${PROJECT_BINARY_DIR}/gui/teaching/bouncing.graph.lstl
          DESTINATION ${LOCKSCOPE_INSTALL_PKGDATADIR}/teaching)
endif()

# Documentation: the README and docs/ as they are (the pages link to each
# other and to their images by relative paths).
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
if(LOCKSCOPE_MAN_DIR)
  install(DIRECTORY ${LOCKSCOPE_MAN_DIR}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1.gz")
endif()

# Desktop integration: the GUI in the menu with its icon, .lstl files
# recognised (by name and by their magic bytes) and opened by double-click.
# Debian's shared-mime-info, desktop-file-utils and hicolor icon cache pick
# the files up by their dpkg triggers; no maintainer script is needed.
set(bash_completions ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/bash-completion/lockscope DESTINATION ${bash_completions})
if(TARGET lockscope-gui)
  # bash-completion loads a command's completion from a file of its name.
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/bash-completion/lockscope DESTINATION ${bash_completions}
          RENAME lockscope-gui)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/lockscope-gui.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/lockscope-mime.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME lockscope.xml)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/lockscope.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  foreach(size IN LISTS LOCKSCOPE_ICON_PNG_SIZES)
    install(FILES ${LOCKSCOPE_ICON_PNG_DIR}/${size}x${size}/lockscope.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
  endforeach()
endif()
