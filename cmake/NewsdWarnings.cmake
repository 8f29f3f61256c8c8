# Compile options shared by every newsd target. Call newsd_target_defaults(<target>).
function(newsd_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
  if(NEWSD_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# A module library: <dir>/include is its public header root, <dir>/src its sources.
function(newsd_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(newsd_${name} STATIC ${M_SOURCES})
  add_library(newsd::${name} ALIAS newsd_${name})
  target_include_directories(newsd_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(newsd_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  newsd_target_defaults(newsd_${name})
endfunction()
