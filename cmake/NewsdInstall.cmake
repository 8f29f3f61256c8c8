# `cmake --install` and `cpack -G DEB`: the binary, the systemd unit, sysusers
# and tmpfiles snippets, the service config under /etc/newsd, the taxonomy
# (classify/CMakeLists.txt) under share/newsd, man pages and bash completion.
include(GNUInstallDirs)

# The files under systemd/ name the Debian paths (/usr/bin/newsd,
# /etc/newsd/newsd.toml, /usr/share/…) so they can be read and tested as they
# are; for another prefix the copies installed are rewritten to match.
function(newsd_install_for_prefix source destination)
  cmake_parse_arguments(A "" "RENAME" "" ${ARGN})
  file(READ ${CMAKE_SOURCE_DIR}/${source} text)
  string(REPLACE "/usr/bin/newsd" "${CMAKE_INSTALL_FULL_BINDIR}/newsd" text "${text}")
  string(REPLACE "/etc/newsd/newsd.toml" "${CMAKE_INSTALL_FULL_SYSCONFDIR}/newsd/newsd.toml" text "${text}")
  string(REPLACE "/usr/share/doc/newsd" "${CMAKE_INSTALL_FULL_DOCDIR}" text "${text}")
  string(REPLACE "/usr/share/newsd" "${CMAKE_INSTALL_FULL_DATADIR}/newsd" text "${text}")
  set(generated ${CMAKE_BINARY_DIR}/install/${source})
  file(WRITE ${generated} "${text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${source})
  install(FILES ${generated} DESTINATION ${destination} RENAME ${A_RENAME})
endfunction()

install(TARGETS newsd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# systemd looks in lib/ under /usr (not the multiarch libdir).
newsd_install_for_prefix(systemd/newsd.service lib/systemd/system RENAME newsd.service)
newsd_install_for_prefix(systemd/newsd.sysusers lib/sysusers.d RENAME newsd.conf)
newsd_install_for_prefix(systemd/newsd.tmpfiles lib/tmpfiles.d RENAME newsd.conf)
newsd_install_for_prefix(systemd/newsd.toml ${CMAKE_INSTALL_FULL_SYSCONFDIR}/newsd RENAME newsd.toml)
install(FILES ${CMAKE_SOURCE_DIR}/config/newsd.toml DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME newsd.toml.example)
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/newsd.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/newsd.toml.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/completions/newsd.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME newsd)
if(TARGET newsd_fts)
  # The SQLite extension for outside readers (`.load newsd_fts`).
  install(TARGETS newsd_fts LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()

# cpack -G DEB (from the build tree) -> newsd_<version>_<arch>.deb
set(CPACK_PACKAGE_NAME newsd)
set(CPACK_PACKAGE_VENDOR "newsd")
set(CPACK_PACKAGE_CONTACT "newsd maintainers <newsd@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "streaming news-feed ingestion daemon with Arabic-aware search")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})  # where the unit and config expect it
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # dpkg-shlibdeps fills Depends: from the binary
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_SOURCE_DIR}/systemd/debian/postinst
                                       ${CMAKE_SOURCE_DIR}/systemd/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
