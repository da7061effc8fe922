# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of the rfl-cloudnative modules, and the project's jobs.
#
#   make KDIR=<kernel build tree> [ARCH=arm64]   build the modules
#   make KDIR=... modules_install [INSTALL_MOD_PATH=...]
#   make KDIR=<tree> deb [ARCH=...]   Debian packages of the modules (binary
#                  for that kernel, and DKMS), in build/packages
#   make KDIR=<tree> rpm [ARCH=...]   RPM kmod package for that kernel and the
#                  source tarball with its spec, in build/packages
#   make KDIR=<build tree> rust-headers DESTDIR=<headers dir>
#                  add the Rust metadata a headers directory lacks
#   make demo      boot x86_64 QEMU with the modules and show them working
#   make check     everything: toolchain, host unit tests, kernels, modules,
#                  guest tests on x86_64, arm64 and the x86_64 debug kernel
#   make shell     interactive x86_64 QEMU shell with the modules loaded
#   make check-packages  the install-and-boot test of the packages on
#                  x86_64 and arm64 (make check does x86_64)
#   make bench     benchmarks in the x86_64 guest (cgroupfs vs /proc vs LXCFS,
#                  qmon's probe cost, also under instruction counting, rue's
#                  protection of a working set)
#
# KDIR must be a Rust-enabled (CONFIG_RUST=y) kernel build tree or headers
# directory carrying its Rust metadata. When KDIR is not given, the project's
# cached test kernel for ARCH is used (built by scripts/build-kernel.sh).

# The kernel's name for this machine's architecture unless given.
ARCH ?= $(shell uname -m | sed -e 's/aarch64/arm64/')
LLVM ?= 1
RUSTC ?= /usr/bin/rustc
BINDGEN ?= $(HOME)/.cargo/bin/bindgen
CLIPPY_DRIVER ?= /usr/bin/clippy-driver
export PATH := /usr/lib/llvm-19/bin:$(PATH)

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=$(ARCH) LLVM=$(LLVM) \
	RUSTC=$(RUSTC) BINDGEN=$(BINDGEN) CLIPPY_DRIVER=$(CLIPPY_DRIVER)

.PHONY: all modules modules_install rust-headers deb rpm clean kdir-check demo shell bench check test check-packages host-test

all: modules

kdir-check:
ifndef KDIR
	$(error KDIR is not set: give a Rust-enabled kernel build tree, e.g. KDIR=$$(scripts/build-kernel.sh $(ARCH)))
endif
	@test -f "$(KDIR)/Makefile" || { echo "error: KDIR=$(KDIR) is not a kernel build tree" >&2; exit 1; }
	@test -f "$(KDIR)/include/config/auto.conf" || { echo "error: KDIR=$(KDIR) is not configured (no include/config/auto.conf)" >&2; exit 1; }
	@grep -qx 'CONFIG_RUST=y' "$(KDIR)/include/config/auto.conf" || { echo "error: KDIR=$(KDIR) is a kernel without CONFIG_RUST=y: these modules are Rust" >&2; exit 1; }
	@test -f "$(KDIR)/rust/libkernel.rmeta" || { echo "error: KDIR=$(KDIR) has CONFIG_RUST=y but no rust/libkernel.rmeta: build the kernel, or add the Rust metadata to the headers with scripts/rust-headers.sh (see README.md)" >&2; exit 1; }
	@want=$$(sed -n 's/^CONFIG_RUSTC_VERSION_TEXT=//p' "$(KDIR)/include/config/auto.conf" | tr -d '"'); \
	have=$$($(RUSTC) --version 2>/dev/null); \
	test -z "$$want" || test "$$want" = "$$have" || { echo "error: KDIR=$(KDIR) was built with '$$want' but RUSTC=$(RUSTC) is '$${have:-missing}': Rust modules need the exact same rustc" >&2; exit 1; }

modules: kdir-check
	$(KMAKE) modules

modules_install: kdir-check
	$(KMAKE) modules_install

deb: kdir-check
	scripts/build-deb.sh $(KDIR) $(ARCH) build/packages

rpm: kdir-check
	scripts/build-rpm.sh $(KDIR) $(ARCH) build/packages

rust-headers: kdir-check
	@test -n "$(DESTDIR)" || { echo "error: DESTDIR (the headers directory) is not set" >&2; exit 1; }
	scripts/rust-headers.sh $(KDIR) $(DESTDIR)

clean:
ifdef KDIR
	$(KMAKE) clean
endif
	rm -rf build target

demo:
	scripts/run-guest.sh demo x86_64

shell:
	scripts/run-guest.sh shell x86_64

# The cgroupfs and qmon benchmarks run a second time under instruction
# counting, where guest time is instructions executed: steady to about a
# percent, unlike emulated wall time.
bench:
	scripts/run-guest.sh bench x86_64
	only=$$(echo ",$${RFL_ONLY:-cgroupfs,qmon}," | tr ',' '\n' | grep -xE 'cgroupfs|qmon' | paste -sd,); \
	[ -z "$$only" ] || QEMU_ICOUNT=0 RFL_ONLY=$$only RFL_TAG=icount scripts/run-guest.sh bench x86_64

host-test:
	cargo test --manifest-path tests/host/Cargo.toml

check test:
	scripts/check.sh

check-packages:
	scripts/test-packages.sh x86_64
	scripts/test-packages.sh arm64
