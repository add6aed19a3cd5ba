#!/usr/bin/env python3
"""Marks one GLIBCXX version need of an ELF shared library weak (VER_FLG_WEAK) so it loads on an older libstdc++.

libLibTorchSharp.so (TorchSharp 0.107.0) asks for GLIBCXX_3.4.32 only for std::ios_base_library_init, which it
never calls; Debian 12's libstdc++ stops at 3.4.30. Usage: weaken_glibcxx_need.py LIBRARY [VERSION].
Acts only when the system libstdc++ lacks VERSION; idempotent (a need already weak is left as is).
"""
import os
import struct
import subprocess
import sys

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def system_libstdcxx_paths():
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    except OSError:
        out = ""
    paths = [line.split("=>")[-1].strip() for line in out.splitlines() if "libstdc++.so.6" in line and "x86-64" in line]
    paths += ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6"]
    return [p for p in dict.fromkeys(paths) if os.path.exists(p)]


def system_has_version(version):
    needle = version.encode() + b"\0"
    paths = system_libstdcxx_paths()
    if not paths:
        return False
    with open(paths[0], "rb") as f:
        return needle in f.read()


def weaken(path, version):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            sys.exit(f"{path}: not a little-endian 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = found = 0
        for _, sh_type, _, _, offset, _, link, count, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab_offset = sections[link][4]
            need = offset
            for _ in range(count):
                _, aux_count, _, aux_rel, next_rel = struct.unpack_from("<HHIII", data, need)
                aux = need + aux_rel
                for _ in range(aux_count):
                    _, flags, _, name_off, aux_next = struct.unpack_from("<IHHII", data, aux)
                    name_end = data.index(0, strtab_offset + name_off)
                    if data[strtab_offset + name_off:name_end].decode() == version:
                        found += 1
                        if not flags & VER_FLG_WEAK:
                            struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                            changed += 1
                    aux += aux_next
                need += next_rel
        if changed:
            f.seek(0)
            f.write(data)
    return found, changed


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: weaken_glibcxx_need.py LIBRARY [VERSION]")
    library = sys.argv[1]
    version = sys.argv[2] if len(sys.argv) > 2 else "GLIBCXX_3.4.32"
    if not os.path.exists(library):
        print(f"{library}: absent, nothing to patch")
        return
    if system_has_version(version):
        print(f"system libstdc++ has {version}: {os.path.basename(library)} left as is")
        return
    found, changed = weaken(library, version)
    state = "marked weak" if changed else ("already weak" if found else "not needed by this library")
    print(f"{os.path.basename(library)}: {version} {state}")


if __name__ == "__main__":
    main()
