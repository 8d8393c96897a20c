# The Debian package: `cpack -G DEB` in a build folder (`./lockscope
# package` runs it) packs what LockscopeInstall.cmake installs, under /usr.
# Its dependencies are not written here: dpkg-shlibdeps (dpkg-dev) reads
# them from the shared libraries the programs link (SimGrid, Qt 6, fmt,
# liburcu, toml++, ...), so they follow the build. docs/install.md
# says what the package carries.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME lockscope)
set(CPACK_PACKAGE_VENDOR "lockscope")
set(CPACK_PACKAGE_CONTACT "lockscope maintainers <maintainers@users.noreply.r-seed-308aa437.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "laboratory for reader-writer locks: simulate, measure and see them")
set(CPACK_PACKAGE_DESCRIPTION
    "lockscope runs each reader-writer lock in two worlds: real threads on this machine, measured, and a "
    "SimGrid-timed virtual multicore with a MESI cache-coherence model, replaying workload traces on any core "
    "count and topology. Both write the same timeline, which lockscope-gui shows: who reads, who waits, which "
    "cacheline moves from which core to which. It is built around the lock that protects QEMU's block graph and "
    "compares it with pthread_rwlock, std::shared_mutex, TBB, Concurrency Kit and liburcu. lockscope record "
    "interposes a real program's pthread locks (LD_PRELOAD) and replays its workload against every lock.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # lockscope_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Not stripped: `lockscope record` names a program's locks from its symbol
# table, and the examples in lib/lockscope/examples/ would lose theirs;
# stripping the rest would save under a megabyte of the package's nine.
include(CPack)
