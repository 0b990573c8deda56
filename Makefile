# anyk - one kernel, any host.  `make run` boots it, `make check` tests it.
#
# One non-recursive Makefile. Outputs go to build/CONFIG/, where CONFIG names
# the compiler and whether sanitizers are on (build/gcc, build/clang,
# build/gcc-san), so the configurations never mix objects.
#
#   make [all]          build anyk, the unit tests and the benchmarks
#   make run            build and boot anyk with its console on this terminal
#   make run-kvm        the same kernel as a KVM guest under anyk-kvm
#   make check          build with gcc, clang and SAN=1, then run every test under prove
#   make bench          print the benchmark table
#   make SAN=1 ...      AddressSanitizer + UndefinedBehaviorSanitizer build
#   make CC=clang ...   build with clang

.SUFFIXES:
.DELETE_ON_ERROR:
.DEFAULT_GOAL := all

SAN ?=
IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)
CFG := $(if $(IS_CLANG),clang,gcc)$(if $(SAN),-san)$(if $(FUZZ),-fuzz)
B := build/$(CFG)
NPROC := $(shell nproc 2>/dev/null || echo 2)
OBJCOPY ?= objcopy
# V=1 shows whole command lines.
ifeq ($(V),1)
Q :=
say := @true
else
Q := @
say := @printf '  %-6s %s\n'
endif

# ---- flags -----------------------------------------------------------------

WARN := -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes -Wshadow
COMMON := -std=gnu11 -O2 -g -fno-omit-frame-pointer -MMD -MP $(WARN) -Iinclude -iquote .
ifneq ($(SAN),)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -DANYK_SAN
endif
# FUZZ=1 (with CC=clang): coverage for libFuzzer on top of the sanitizers.
ifneq ($(FUZZ),)
SANFLAGS += -fsanitize=fuzzer-no-link
endif

# The core: freestanding, only the project's headers, and code that suits every
# host of the architecture (position-independent, no red zone for interrupts,
# frame pointers for backtraces).
CORE_CFLAGS := $(COMMON) -ffreestanding -nostdinc -fno-builtin -fno-stack-protector \
	-fPIE -fvisibility=hidden -include kern/hidden.h -mno-red-zone -fno-common $(if $(IS_CLANG),,-fno-tree-loop-distribute-patterns) \
	$(SANFLAGS)
HOST_CFLAGS := $(COMMON) $(SANFLAGS)
TEST_CFLAGS := $(HOST_CFLAGS) -Wno-missing-prototypes
LDFLAGS_HOST := $(SANFLAGS)

# ---- what the core is made of, per subsystem --------------------------------

ARCH_SRCS := arch/x86_64/switch.S arch/x86_64/frame.c arch/x86_64/string.c
KERN_SRCS := kern/exec.c kern/init.c kern/kexec.c kern/syscall.c kern/task.c kern/main.c kern/printk.c kern/panic.c kern/time.c kern/page.c \
	kern/kmalloc.c kern/thread.c kern/sync.c kern/timer.c kern/idle.c kern/cons.c \
	kern/monitor.c kern/syscall_net.c
LIB_SRCS := lib/string.c lib/fmt.c lib/siphash.c
FS_SRCS := $(sort $(wildcard fs/*.c fs/*/*.c))
BLK_SRCS := blk/cache.c
NET_SRCS := $(sort $(wildcard net/*.c))
CORE_SRCS := $(ARCH_SRCS) $(KERN_SRCS) $(LIB_SRCS) $(BLK_SRCS) $(FS_SRCS) $(NET_SRCS)
CORE_OBJS := $(patsubst %,$(B)/%.o,$(basename $(CORE_SRCS)))

# ---- the posix host ------------------------------------------------------------

POSIX_OBJS := $(B)/host/posix/hyp.o $(B)/host/posix/net.o $(B)/host/posix/cli.o
# Library mode: the core and the posix host in one archive that exports only anyk.h's names.
LIBANYK := $(B)/lib/libanyk.a
LIBANYK_API := anyk_boot anyk_halt
EXAMPLES := $(patsubst examples/%.c,$(B)/examples/%,$(wildcard examples/*.c))
LIB_TESTS := $(patsubst tests/lib/%.c,$(B)/tests/lib/%,$(wildcard tests/lib/*_test.c))
ANYK := $(B)/bin/anyk
# Host tools on libanyk: anyk-fs works inside ext2 images (tools/anyk-fs*.c).
ANYKFS := $(B)/bin/anyk-fs
ANYKFS_OBJS := $(patsubst %.c,$(B)/%.o,$(sort $(wildcard tools/anyk-fs*.c)))

# ---- the kvm host ---------------------------------------------------------------------
# anyk-kvm: a KVM monitor (host/kvm/*.c, host code) with its guest kernel embedded: the
# core objects linked with the guest side (host/kvm/guest/, core-like code) into a static
# ELF at 1 MiB. Not in sanitizer builds: the sanitizers' runtime cannot run in the guest.

KVM_GUEST_OBJS := $(B)/host/kvm/guest/entry.o $(B)/host/kvm/guest/hyp.o
KVM_GUEST := $(B)/kvm/anyk-guest
KVM_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard host/kvm/*.c)) $(B)/host/kvm/kernel.o \
	$(B)/host/posix/cli.o $(B)/host/posix/initrd.o
GUEST_LDFLAGS := -nostdlib -static -z noexecstack -z max-page-size=4096 --build-id=none \
	-T host/kvm/guest/guest.ld
ANYK_KVM := $(if $(SAN),,$(B)/bin/anyk-kvm)
# A guest that misbehaves on purpose (tests/kvm/): bad hypercalls, faults, timings.
KVM_TEST_GUEST := $(if $(SAN),,$(B)/tests/kvm/testguest)

# ---- programs that run on anyk ---------------------------------------------------
# Freestanding static-PIE ELF files linked with apps/lib (crt0 + libc over api.h).
# They are never built with sanitizers: they run inside the kernel's address space.

APP_CFLAGS := -std=gnu11 -O2 -g -fno-omit-frame-pointer -MMD -MP $(WARN) \
	-Wno-missing-prototypes -ffreestanding -nostdinc -isystem apps/lib/include -Iinclude \
	-iquote . -fPIE -fno-stack-protector -mno-red-zone -fno-common \
	-ffunction-sections -fdata-sections
APP_LDFLAGS := -nostdlib -static-pie -Wl,--no-dynamic-linker -Wl,-z,noexecstack -Wl,--gc-sections \
	-Wl,--hash-style=gnu -Wl,--build-id=none
LIBC_SRCS := $(sort $(wildcard apps/lib/*.c apps/lib/*.S))
LIBC := $(B)/apps/lib/libc.a
SH_SRCS := $(sort $(wildcard apps/sh/*.c))
TOOL_SRCS := $(sort $(wildcard apps/coreutils/*.c))
ROOTFS := $(B)/rootfs
APPS := $(if $(SH_SRCS),$(ROOTFS)/bin/sh) \
	$(patsubst apps/coreutils/%.c,$(ROOTFS)/bin/%,$(TOOL_SRCS))
# Test programs that run on the kernel: tests/apps/*_test.c -> /usr/libexec/anyk/NAME.
KTESTS := $(patsubst tests/apps/%.c,$(ROOTFS)/usr/libexec/anyk/%,$(wildcard tests/apps/*_test.c))
APPS += $(KTESTS)
# Raw payloads for kexec: flat binaries (apps/payloads/*.S -> /boot/NAME.bin).
PAYLOADS := $(patsubst apps/payloads/%.S,$(ROOTFS)/boot/%.bin,$(wildcard apps/payloads/*.S))
APPS += $(PAYLOADS)
# The initramfs: rootfs/ from the tree plus the programs, packed and embedded in anyk.
ROOTFS_FILES := $(patsubst rootfs/%,$(ROOTFS)/%,$(shell find rootfs -type f 2>/dev/null))
INITRD := $(B)/initrd.cpio
MKCPIO := $(B)/tools/mkcpio

# The same programs linked with tests/apps/linux_shim instead of run by the kernel:
# native Linux executables (static, not PIE) for testing apps/lib and the programs on
# the build machine. See tests/apps/README.md.
SHIM_OBJS := $(B)/tests/apps/linux_shim.o $(B)/tests/apps/linux_shim_entry.o
SHIM_LDFLAGS := -nostdlib -static -Wl,-e,__shim_entry -Wl,-z,noexecstack \
	-Wl,--build-id=none
SHIM_TOOLS := $(patsubst apps/coreutils/%.c,$(B)/tests/apps/%,$(TOOL_SRCS))
SHIM_APPS := $(B)/tests/apps/libc_test $(B)/tests/apps/socket_test $(if $(SH_SRCS),$(B)/tests/apps/sh) $(SHIM_TOOLS)

# ---- tests and benchmarks --------------------------------------------------------

UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/*_test.c))
UNIT_SUPPORT := $(B)/tests/unit/tap.o $(B)/tests/unit/harness.o
INTEGRATION := $(wildcard tests/integration/*.t)
BENCH := $(B)/bench/kern_bench
# Files and programs: apps/coreutils/fsbench.c runs on anyk as /bin/fsbench and, built
# natively against glibc, on Linux; prog_bench runs both (bench/README.md).
PROG_BENCH := $(B)/bench/prog_bench
FSBENCH := $(B)/bench/fsbench
DISK_BENCH := $(B)/bench/disk_bench
# The kernel as a KVM guest beside the kernel as a process: boot, hypercall round trip.
KVM_BENCH := $(B)/bench/kvm_bench

# ---- rules -----------------------------------------------------------------------

all: $(ANYK) $(ANYK_KVM) $(KVM_TEST_GUEST) $(B)/core.o unit $(BENCH) $(PROG_BENCH) $(FSBENCH) \
	$(DISK_BENCH) $(KVM_BENCH) apps shim-apps $(LIBANYK) $(EXAMPLES) $(LIB_TESTS) $(ANYKFS)
	@echo "built $(ANYK)"

unit: $(UNIT_TESTS)

# Which flags a source gets depends on where it lives.
flags_for = $(if $(filter host/kvm/guest/% tests/kvm/%,$1),$(CORE_CFLAGS),$(if $(filter apps/% tests/apps/%,$1),$(APP_CFLAGS),$(if $(filter tests/% bench/% examples/%,$1),$(TEST_CFLAGS),$(if $(filter host/% tools/%,$1),$(HOST_CFLAGS),$(CORE_CFLAGS)))))

$(B)/%.o: %.c Makefile
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(call flags_for,$<) -c -o $@ $<

$(B)/%.o: %.S Makefile
	@mkdir -p $(@D)
	$(say) AS $@
	$(Q)$(CC) $(call flags_for,$<) -c -o $@ $<

$(LIBC): $(patsubst %,$(B)/%.o,$(basename $(LIBC_SRCS)))
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Programs are linked with their debug information into $(B)/apps/bin (for gdb and
# addr2line) and installed into the initramfs without it.
$(B)/apps/bin/sh: $(patsubst %.c,$(B)/%.o,$(SH_SRCS)) $(LIBC)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(APP_LDFLAGS) -o $@ $^ -lgcc

$(B)/apps/bin/%: $(B)/apps/coreutils/%.o $(LIBC)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(APP_LDFLAGS) -o $@ $^ -lgcc

$(B)/apps/tests/%: $(B)/tests/apps/%.o $(LIBC)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(APP_LDFLAGS) -o $@ $^ -lgcc

$(ROOTFS)/usr/libexec/anyk/%: $(B)/apps/tests/%
	@mkdir -p $(@D)
	$(Q)$(OBJCOPY) --strip-debug $< $@

$(ROOTFS)/bin/%: $(B)/apps/bin/%
	@mkdir -p $(@D)
	$(Q)$(OBJCOPY) --strip-debug $< $@

apps: $(APPS)

$(B)/tests/apps/libc_test: $(B)/tests/apps/libc_test.o $(SHIM_OBJS) $(LIBC)
	$(say) LINK $@
	$(Q)$(CC) $(SHIM_LDFLAGS) -o $@ $^ -lgcc

$(B)/tests/apps/socket_test: $(B)/tests/apps/socket_test.o $(SHIM_OBJS) $(LIBC)
	$(say) LINK $@
	$(Q)$(CC) $(SHIM_LDFLAGS) -o $@ $^ -lgcc

$(B)/tests/apps/sh: $(patsubst %.c,$(B)/%.o,$(SH_SRCS)) $(SHIM_OBJS) $(LIBC)
	$(say) LINK $@
	$(Q)$(CC) $(SHIM_LDFLAGS) -o $@ $^ -lgcc

$(SHIM_TOOLS): $(B)/tests/apps/%: $(B)/apps/coreutils/%.o $(SHIM_OBJS) $(LIBC)
	$(say) LINK $@
	$(Q)$(CC) $(SHIM_LDFLAGS) -o $@ $^ -lgcc

shim-apps: $(SHIM_APPS)


$(ROOTFS)/boot/%.bin: $(B)/apps/payloads/%.o
	@mkdir -p $(@D)
	$(say) FLAT $@
	$(Q)$(LD) --oformat binary -Ttext=0 -e _start -o $@ $<

$(ROOTFS)/%: rootfs/%
	@mkdir -p $(@D)
	$(Q)cp -p $< $@

$(MKCPIO): $(B)/tools/mkcpio.o
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^

# The tree also gets the usual empty directories and /bin/[ (test under its other name).
$(INITRD): $(APPS) $(ROOTFS_FILES) $(MKCPIO)
	@mkdir -p $(ROOTFS)/bin $(ROOTFS)/tmp $(ROOTFS)/home $(ROOTFS)/mnt
	@chmod 1777 $(ROOTFS)/tmp
	$(Q)if [ -e $(ROOTFS)/bin/test ]; then ln -sf test '$(ROOTFS)/bin/['; fi
	$(say) CPIO $@
	$(Q)$(MKCPIO) $@ $(ROOTFS)

$(B)/host/posix/initrd.o: host/posix/initrd.S $(INITRD)
	$(say) AS $@
	$(Q)$(CC) -DINITRD_PATH='"$(INITRD)"' -c -o $@ $<

# The whole core as one relocatable object: the boundary check reads it, and every
# host program links it. The core's own helpers that must have libc's names (the compiler
# emits calls to memcpy and friends) are made local to it, so a host program that links
# the kernel (anyk, tests, benchmarks) keeps libc's, and the kernel keeps its own.
CORE_LIBC_NAMES := memcpy memmove memset memcmp strlen strnlen strcmp strncmp strchr strlcpy
$(B)/core.o: $(CORE_OBJS)
	$(say) LD $@
	$(Q)$(LD) -r -o $@ $^
	$(Q)$(OBJCOPY) $(addprefix -L ,$(CORE_LIBC_NAMES)) $@

$(ANYK): $(B)/core.o $(POSIX_OBJS) $(B)/host/posix/main.o $(B)/host/posix/initrd.o
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^

$(KVM_GUEST): host/kvm/guest/guest.ld $(KVM_GUEST_OBJS) $(B)/core.o
	@mkdir -p $(@D)
	$(say) LD $@
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(KVM_GUEST_OBJS) $(B)/core.o

$(B)/host/kvm/kernel.o: host/kvm/kernel.S $(KVM_GUEST)
	$(say) AS $@
	$(Q)$(CC) -DKERNEL_PATH='"$(KVM_GUEST)"' -c -o $@ $<

$(B)/bin/anyk-kvm: $(KVM_OBJS)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^

$(B)/tests/kvm/testguest: host/kvm/guest/guest.ld $(B)/host/kvm/guest/entry.o $(B)/tests/kvm/testguest.o
	$(say) LD $@
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(UNIT_SUPPORT) $(B)/core.o $(POSIX_OBJS)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^ -lpthread

$(BENCH): $(B)/bench/kern_bench.o $(B)/bench/table.o $(B)/core.o $(POSIX_OBJS)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^ -lpthread

# One relocatable object for the whole kernel, every symbol local but anyk.h's.
$(LIBANYK): $(B)/core.o $(POSIX_OBJS) $(B)/host/posix/lib.o
	@mkdir -p $(@D)
	$(say) AR $@
	$(Q)$(LD) -r -o $(B)/lib/libanyk.o $^
	$(Q)$(OBJCOPY) $(addprefix --keep-global-symbol=,$(LIBANYK_API)) $(B)/lib/libanyk.o
	$(Q)rm -f $@ && $(AR) rcs $@ $(B)/lib/libanyk.o

$(B)/examples/%: $(B)/examples/%.o $(LIBANYK)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^ -lpthread

$(ANYKFS): $(ANYKFS_OBJS) $(LIBANYK)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^ -lpthread

$(B)/tests/lib/%: $(B)/tests/lib/%.o $(LIBANYK)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^ -lpthread

# libFuzzer harnesses (clang only): tests/fuzz/NAME_fuzz.c -> build/clang-san-fuzz/fuzz/NAME_fuzz
FUZZERS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/*_fuzz.c))
$(B)/fuzz/%: $(B)/tests/fuzz/%.o $(B)/core.o $(POSIX_OBJS)
	@mkdir -p $(@D)
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -fsanitize=fuzzer -o $@ $^ -lpthread
fuzzers: $(FUZZERS)
fuzz:
	@scripts/deps.sh check
	$(MAKE) --no-print-directory -j$(NPROC) CC=clang SAN=1 FUZZ=1 fuzzers

$(PROG_BENCH): $(B)/bench/prog_bench.o $(B)/bench/table.o
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^

$(DISK_BENCH): $(B)/bench/disk_bench.o $(B)/bench/table.o
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^

$(KVM_BENCH): $(B)/bench/kvm_bench.o $(B)/bench/table.o
	$(say) LINK $@
	$(Q)$(CC) $(LDFLAGS_HOST) -o $@ $^

$(FSBENCH): apps/coreutils/fsbench.c Makefile
	@mkdir -p $(@D)
	$(say) CC $@
	$(Q)$(CC) $(HOST_CFLAGS) $(LDFLAGS_HOST) -o $@ $<

deps:
	@scripts/deps.sh build

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) $(ANYK)
	$(ANYK) run $(RUNFLAGS)

run-kvm: deps
	@$(MAKE) --no-print-directory -j$(NPROC) $(B)/bin/anyk-kvm
	$(B)/bin/anyk-kvm $(RUNFLAGS)

# Everything, in one prove run so the last line is the totals. The shell's and the tools'
# own suites run natively through the Linux shim (tests/apps) with the anyk libc;
# tests/integration/programs.t runs them on the kernel itself.
INTEGRATION += tests/sh/sh.t tests/coreutils/tools.t
check:
	@scripts/deps.sh check
	$(MAKE) --no-print-directory -j$(NPROC) all
	$(MAKE) --no-print-directory -j$(NPROC) CC=$(if $(IS_CLANG),gcc,clang) all
	$(MAKE) --no-print-directory -j$(NPROC) SAN=1 all
	$(MAKE) --no-print-directory -j$(NPROC) CC=clang SAN=1 FUZZ=1 fuzzers
	ANYK_BUILD=$(B) ANYK_BUILD_SAN=$(B)-san SH=$(CURDIR)/$(B)/tests/apps/sh \
		BIN=$(CURDIR)/$(B)/tests/apps prove --exec '' \
		$(UNIT_TESTS) $(patsubst $(B)/%,$(B)-san/%,$(UNIT_TESTS)) $(LIB_TESTS) $(INTEGRATION)

bench:
	@scripts/deps.sh bench
	$(MAKE) --no-print-directory -j$(NPROC) all
	$(BENCH) $(ANYK)
	$(PROG_BENCH) $(ANYK) $(FSBENCH) $(B)/tests/apps/true
	$(DISK_BENCH) $(ANYKFS)
	$(KVM_BENCH) $(B)/bin/anyk-kvm $(ANYK) $(B)/tests/kvm/testguest

clean:
	rm -rf build

.PHONY: all unit apps shim-apps deps run run-kvm check bench clean fuzz fuzzers
.SECONDARY:

-include $(shell find $(B) -name '*.d' 2>/dev/null)
