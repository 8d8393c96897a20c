# Every dependency, found once at the top so its imported targets are visible
# in every folder. All are Debian packages (./lockscope installs them); none
# is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
if(LOCKSCOPE_TSAN)
  find_package(GTest REQUIRED)
  return()
endif()
find_package(fmt REQUIRED)                       # libfmt-dev
find_package(ZLIB REQUIRED)                      # zlib1g-dev (gzip-compressed workload traces)
find_package(CLI11 CONFIG REQUIRED)              # libcli11-dev
find_package(TBB REQUIRED)                       # libtbb-dev
pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)                    # libck-dev
pkg_check_modules(URCU REQUIRED IMPORTED_TARGET liburcu-memb)        # liburcu-dev
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)      # libtomlplusplus-dev
pkg_check_modules(SIMGRID REQUIRED IMPORTED_TARGET simgrid)          # libsimgrid-dev
if(LOCKSCOPE_BUILD_TESTS)
  find_package(GTest REQUIRED)                   # libgtest-dev
endif()
