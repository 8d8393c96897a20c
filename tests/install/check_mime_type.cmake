# cmake -DUPDATE_MIME_DATABASE=... -DMIME_XML=... -DWORK=DIR -P check_mime_type.cmake
#
# Compiles the .lstl MIME type (packaging/lockscope-mime.xml) into a MIME
# database of its own, as the package's dpkg trigger does into
# /usr/share/mime, and checks what came out: the type with its *.lstl glob,
# and a magic rule with the timeline's 8 magic bytes (traces/timeline_file).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/packages)
file(COPY_FILE ${MIME_XML} ${WORK}/packages/lockscope.xml)
# WORK is DIR/mime; with DIR as the data folder update-mime-database does
# not warn that applications would not look there.
get_filename_component(data_dir ${WORK} DIRECTORY)
set(ENV{XDG_DATA_HOME} ${data_dir})
execute_process(COMMAND ${UPDATE_MIME_DATABASE} ${WORK} RESULT_VARIABLE status ERROR_VARIABLE errors)
if(NOT status EQUAL 0 OR errors)
  message(FATAL_ERROR "update-mime-database rejected ${MIME_XML}: ${errors}")
endif()
set(type ${WORK}/application/x-lockscope-timeline.xml)
if(NOT EXISTS ${type})
  message(FATAL_ERROR "update-mime-database made no application/x-lockscope-timeline")
endif()
file(READ ${type} text)
if(NOT text MATCHES "<glob pattern=\"\\*\\.lstl\"/>")
  message(FATAL_ERROR "application/x-lockscope-timeline has no *.lstl glob:\n${text}")
endif()
file(READ ${WORK}/magic magic HEX)
if(NOT magic MATCHES "894c53544c0d0a1a")
  message(FATAL_ERROR "the compiled magic has no 89 4C 53 54 4C 0D 0A 1A rule")
endif()
