"""Shrink the ICU data library Qt brings (libicudata.so.73, 31 MB) to the parts Qt uses.

Used by app.spec. QtCore is the only user of ICU in the bundle, and the ICU functions it calls
are few (`nm -D --undefined-only libQt6Core.so.6 | grep _73`): converters (ucnv_*, for
QStringConverter's non-Unicode encodings), collation (ucol_*, QCollator), calendars and time
zone names (ucal_*, QTimeZone) and case mapping (u_strTo*, whose tables are compiled into
libicuuc). Qt has its own CLDR tables for locale names, currencies and units, and its own text
boundary code, so ICU's break-iterator dictionaries, transliterators, spell-out rules and
display names for languages, currencies and units are never read. Dropping them saves ~14 MB.

The library is one read-only data blob behind the symbol icudt73_dat, in ICU's "common data"
package format: a header, a table of contents sorted by item name (ICU binary-searches it), then
the items, each 16-byte aligned. This module writes a package with fewer items and puts it in a
copy of the library, moving everything after the blob down by whole pages so no address in the
file loses its page alignment. Anything unexpected in the library's layout raises ValueError,
and app.spec then ships the library unchanged.
"""

from __future__ import annotations

import struct
from pathlib import Path

# Item folders (after "icudt73l/") that Qt never reads; see the module docstring.
UNUSED_FOLDERS = ("brkitr/", "translit/", "rbnf/", "unit/", "curr/", "lang/")
# Character names (u_charName), string-prep profiles (IDNA; Qt has its own) and spoof checks.
UNUSED_SUFFIXES = ("unames.icu", ".spp", ".cfu")

# Dynamic-section tags whose value is an address (PLTGOT, HASH, STRTAB, SYMTAB, RELA, INIT, FINI,
# REL, JMPREL, INIT_ARRAY, FINI_ARRAY, GNU_HASH, VERSYM, VERDEF, VERNEED): moved with the file.
# fmt: off
_DT_POINTERS = {3, 4, 5, 6, 7, 12, 13, 17, 23, 25, 26,
                0x6FFFFEF5, 0x6FFFFFF0, 0x6FFFFFFC, 0x6FFFFFFE}
# fmt: on
_PT_LOAD = 1
_SHT_SYMTAB, _SHT_DYNSYM, _SHT_DYNAMIC = 2, 11, 6
_SHN_LORESERVE = 0xFF00


def is_used(item: str) -> bool:
    """Whether Qt may read this package item ("icudt73l/coll/de.res" and the like)."""
    local = item.split("/", 1)[1] if "/" in item else item
    return not local.startswith(UNUSED_FOLDERS) and not local.endswith(UNUSED_SUFFIXES)


def items(package: bytes) -> list[tuple[str, bytes]]:
    """The (name, data) items of an ICU common-data package, in table-of-contents order."""
    header_size = struct.unpack_from("<H", package, 0)[0]
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    count = struct.unpack_from("<I", package, header_size)[0]
    toc = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    result = []
    for i, (name_at, data_at) in enumerate(toc):
        start = header_size + name_at
        name = package[start : package.index(b"\0", start)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(package) - header_size
        result.append((name, package[header_size + data_at : header_size + end]))
    return result


def package(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """An ICU common-data package of these items (kept in the given, sorted order)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    toc_size = 4 + 8 * len(kept)
    data_at = _align(toc_size + len(names), 16)
    entries, name_at, blobs = [], toc_size, []
    for name, data in kept:
        entries.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = data + b"\0" * (_align(len(data), 16) - len(data))
        blobs.append(padded)
        data_at += len(padded)
    toc = struct.pack("<I", len(kept)) + b"".join(entries) + names
    toc += b"\0" * (_align(len(toc), 16) - len(toc))
    return header + toc + b"".join(blobs)


def _align(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def shrink(library: Path, out: Path, symbol: str = "icudt73_dat") -> tuple[int, int]:
    """Write `library` with only the used ICU items to `out`; return (old, new) file sizes."""
    elf = bytearray(library.read_bytes())
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError(f"{library.name} is not a 64-bit little-endian ELF file")
    phoff, shoff = struct.unpack_from("<QQ", elf, 0x20)
    phentsize, phnum, shentsize, shnum = struct.unpack_from("<HHHH", elf, 0x36)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    phdrs = [struct.unpack_from("<IIQQQQQQ", elf, phoff + i * phentsize) for i in range(phnum)]

    # The blob: the one defined dynamic symbol, in a section that starts with it.
    dynsym = next(s for s in sections if s[1] == _SHT_DYNSYM)
    dynstr = sections[dynsym[6]]
    value = size = None
    for at in range(dynsym[4], dynsym[4] + dynsym[5], 24):
        st_name, _, _, st_shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", elf, at)
        start = dynstr[4] + st_name
        if elf[start : elf.index(b"\0", start)].decode() == symbol and st_shndx:
            value, size = st_value, st_size
    if value is None or size is None:
        raise ValueError(f"{library.name} does not define {symbol}")
    load = [p for p in phdrs if p[0] == _PT_LOAD]
    page = max(p[7] for p in load)
    first = next(p for p in load if p[3] <= value < p[3] + p[5])
    offset = _file_offset(value, load)
    end_offset, end_value = offset + size, value + size
    if first[2] + first[5] != end_offset:
        raise ValueError(f"{symbol} does not end its segment in {library.name}")

    old = items(bytes(elf[offset:end_offset]))
    header_size = struct.unpack_from("<H", elf, offset)[0]
    blob = package(bytes(elf[offset : offset + header_size]), [i for i in old if is_used(i[0])])
    delta = -((size - len(blob)) // page * page)  # whole pages, so alignments hold
    if delta == 0:
        raise ValueError("nothing to drop")
    new_size = size + delta
    blob += b"\0" * (new_size - len(blob))

    def moved_offset(o: int) -> int:
        return o + delta if o >= end_offset else o

    def moved_address(a: int) -> int:
        return a + delta if a >= end_value else a

    # Program headers: the blob's segment shrinks, later ones move down.
    for i, (p_type, flags, p_off, vaddr, paddr, filesz, memsz, align) in enumerate(phdrs):
        if (p_off, vaddr) == (first[2], first[3]) and p_type == _PT_LOAD:
            filesz, memsz = filesz + delta, memsz + delta
        elif p_off >= end_offset:
            p_off, vaddr, paddr = p_off + delta, moved_address(vaddr), moved_address(paddr)
        struct.pack_into(
            "<IIQQQQQQ",
            elf,
            phoff + i * phentsize,
            p_type,
            flags,
            p_off,
            vaddr,
            paddr,
            filesz,
            memsz,
            align,
        )
    # Section headers: the blob's section shrinks, later ones move down.
    for i, s in enumerate(sections):
        name, kind, flags, addr, s_off, s_size, link, info, align, entsize = s
        if s_off == offset and addr == value:
            s_size += delta
        elif s_off >= end_offset:
            s_off, addr = s_off + delta, (moved_address(addr) if addr else 0)
        struct.pack_into(
            "<IIQQQQIIQQ",
            elf,
            shoff + i * shentsize,
            name,
            kind,
            flags,
            addr,
            s_off,
            s_size,
            link,
            info,
            align,
            entsize,
        )
    # Symbols: the blob's size, and any address past it.
    for s in sections:
        if s[1] not in (_SHT_SYMTAB, _SHT_DYNSYM):
            continue
        for at in range(s[4], s[4] + s[5], 24):
            st_name, info, other, shndx, st_value, st_size = struct.unpack_from("<IBBHQQ", elf, at)
            if 0 < shndx < _SHN_LORESERVE:
                if st_value == value and st_size == size:
                    st_size = new_size
                st_value = moved_address(st_value)
                struct.pack_into("<IBBHQQ", elf, at, st_name, info, other, shndx, st_value, st_size)
    # Dynamic entries that hold addresses; a relocation table would need rewriting, so refuse.
    for s in sections:
        if s[1] != _SHT_DYNAMIC:
            continue
        for at in range(s[4], s[4] + s[5], 16):
            tag, val = struct.unpack_from("<qQ", elf, at)
            if tag in (7, 17, 23) and val:  # DT_RELA, DT_REL, DT_JMPREL
                raise ValueError(f"{library.name} has relocations; not rewriting it")
            if tag in _DT_POINTERS:
                struct.pack_into("<qQ", elf, at, tag, moved_address(val))
    struct.pack_into("<Q", elf, 0x28, moved_offset(shoff))

    out.write_bytes(bytes(elf[:offset]) + blob + bytes(elf[end_offset:]))
    check = items(out.read_bytes()[offset : offset + new_size])
    if [n for n, _ in check] != [n for n, _ in old if is_used(n)]:
        raise ValueError("the rewritten package does not read back")
    return len(elf), out.stat().st_size


def _file_offset(address: int, load: list[tuple[int, ...]]) -> int:
    for p in load:
        if p[3] <= address < p[3] + p[5]:
            return address - p[3] + p[2]
    raise ValueError(f"address {address:#x} is in no segment")
