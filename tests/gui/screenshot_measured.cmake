# A measured run end to end (lockscope_gui_synthetic --measured writes a
# recording-like timeline: threads, two locks, no cacheline lines): its
# --screenshot, its --window screenshot (dock without a cacheline table) and
# --compare against a simulated run with 64 lines all exit 0 and write PNGs.
execute_process(COMMAND ${SYNTH} --measured ${OUT}/measured.lstl RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the measured generator failed")
endif()
execute_process(COMMAND ${SYNTH} ${OUT}/simulated.lstl 4 2000 500 RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the generator failed")
endif()
foreach(mode timeline window compare)
  file(REMOVE ${OUT}/measured-${mode}.png)
  if(mode STREQUAL "timeline")
    set(args ${OUT}/measured.lstl)
  elseif(mode STREQUAL "window")
    set(args --window ${OUT}/measured.lstl)
  else()
    set(args --compare ${OUT}/measured.lstl ${OUT}/simulated.lstl)
  endif()
  execute_process(COMMAND ${GUI} --screenshot ${OUT}/measured-${mode}.png --size 900x500 ${args}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/measured-${mode}.png)
    message(FATAL_ERROR "--screenshot (${mode}) of a measured run failed: ${err}")
  endif()
endforeach()
