# --screenshot OUT.svg with --select and --lines on a small synthetic
# timeline: exits 0 and writes an SVG; a truncated copy of the timeline
# fails with one `file: offset N:` line.
execute_process(COMMAND ${SYNTH} ${OUT}/small.lstl 4 2000 500 RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the generator failed")
endif()
file(REMOVE ${OUT}/small.svg)
execute_process(COMMAND ${GUI} --screenshot ${OUT}/small.svg --size 800x400 --select 1us:2us --lines "line 1,line 2"
                        ${OUT}/small.lstl RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--screenshot .svg failed: ${err}")
endif()
file(READ ${OUT}/small.svg head LIMIT 400)
if(NOT head MATCHES "<svg")
  message(FATAL_ERROR "not an SVG: ${head}")
endif()
# The first 150 bytes of the timeline (CMake strings cannot hold binary: `head` cuts it).
find_program(HEAD head)
if(HEAD)
  execute_process(COMMAND ${HEAD} -c 150 ${OUT}/small.lstl OUTPUT_FILE ${OUT}/cut.lstl)
  execute_process(COMMAND ${GUI} --screenshot ${OUT}/cut.png ${OUT}/cut.lstl RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(rc EQUAL 0)
    message(FATAL_ERROR "a truncated timeline was accepted")
  endif()
  if(NOT err MATCHES "cut.lstl: offset [0-9]+: ")
    message(FATAL_ERROR "expected `cut.lstl: offset N: ...`, got: ${err}")
  endif()
endif()
