"""Resolution benchmark (issue 7): duplicate candidates over 50,000 people under 20 s.

Builds an encrypted case of people with realistic names (common surnames far more common
than rare ones, so some name blocks are large), their phones, e-mails, accounts and dates
of birth, and plants near-duplicates the way files produce them: "LOPEZ, MARIA" on a bank
file, a middle initial, a typo, a lone first name or short form in a phone's contacts,
each sharing a phone or e-mail with the original. Then times `candidates()` in a fresh
process, so its peak memory is its own, and reports how many planted pairs it found.

Run: `.venv/bin/python bench/resolution.py [--people 50000] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "bench"


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Maria Jose Juan Ana Luis Carlos Rosa Jorge Carmen Pedro Elena Miguel Sofia Diego Lucia "
    "Andrea Pablo Laura Daniel Marta Alejandro Paula Javier Sara David Isabel Francisco Julia "
    "Antonio Patricia Manuel Teresa Roberto Gloria Fernando Silvia Ricardo Beatriz Raul Irene "
    "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth Richard Barbara "
    "Joseph Susan Thomas Jessica Charles Sarah Christopher Karen Daniel Nancy Matthew Lisa "
    "Anthony Betty Mark Margaret Donald Sandra Steven Ashley Paul Kimberly Andrew Emily "
    "Joshua Donna Kenneth Michelle Kevin Dorothy Brian Carol George Amanda Timothy Melissa "
    "Ronald Deborah Edward Stephanie Jason Rebecca Dmitri Ivan Olga Natalia Tatiana Sergei "
    "Yelena Mikhail Anastasia Nikolai Svetlana Alexander Alexandra Katherine Nguyen Linh Minh "
    "Thi Wei Fang Jun Mei Hui Ling Chen Amina Fatima Omar Ahmed Yusuf Aisha Grace Joy "
    "Blessing Chinedu Emeka Ngozi Kwame Ama Kofi Abena Priya Rahul Anjali Arjun Deepa Sanjay"
)
LAST = _words(
    "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores "
    "Rivera Gomez Diaz Cruz Morales Reyes Gutierrez Ortiz Ramos Smith Johnson Williams Brown "
    "Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White "
    "Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams "
    "Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins "
    "Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly "
    "Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray James Hughes Price Sanders "
    "Myers Long Ross Foster Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov "
    "Novikov Fedorov Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov "
    "Nikolaev Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly Wang Li Zhang Liu Chen "
    "Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Okafor Okonkwo Adeyemi Mensah Owusu Boateng "
    "Asante Osei Patel Shah Singh Kumar Sharma Gupta Mehta Reddy Nair Iyer Rao Joshi Castillo "
    "Vargas Romero Alvarez Mendoza Ruiz Jimenez Moreno Munoz Rojas Navarro Dominguez Vazquez "
    "Ramos Gil Serrano"
)
SHORT = {
    "Maria": "Mari",
    "Dmitri": "Dima",
    "Alexander": "Sasha",
    "Robert": "Bob",
    "William": "Bill",
    "Natalia": "Natasha",
    "Mikhail": "Misha",
    "Katherine": "Kate",
}


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, max(2, len(word) - 1))
    return word[:i] + word[i + 1 :] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]


def _variant(rng: random.Random, first: str, last: str) -> tuple[str, str]:
    """A planted near-duplicate's name and how it was written."""
    kind = rng.choice(("bank", "initial", "typo", "lone", "short"))
    if kind == "bank":
        return f"{last.upper()}, {first.upper()}", kind
    if kind == "initial":
        return f"{first} {rng.choice('ABCDEFGJLMR')}. {last}", kind
    if kind == "typo":
        return f"{first} {_typo(rng, last)}", kind
    if kind == "short" and first in SHORT:
        return SHORT[first], kind
    return first, "lone"


def build(path: Path, people: int, seed: int) -> dict[str, object]:
    from analyst_app.model import Entity, Link, Record
    from analyst_app.store import Case
    from analyst_app.store.editing import add_records

    rng = random.Random(seed)
    surname_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(LAST))]
    first_weights = [1 / (rank + 1) ** 0.5 for rank in range(len(FIRST))]
    records: list[Record] = []
    planted: list[tuple[str, str, str]] = []
    base = int(people * 0.9)
    drawn: list[tuple[str, str, str, str | None]] = []  # id, first, last, phone
    for n in range(base):
        first = rng.choices(FIRST, first_weights)[0]
        last = rng.choices(LAST, surname_weights)[0]
        pid = f"person:bench{n:06d}"
        props: dict[str, str | list[str]] = {"name": f"{first} {last}"}
        if rng.random() < 0.1:
            props["birth_date"] = (
                f"{rng.randrange(1960, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            )
        records.append(Entity(type="Person", id=pid, properties=props))
        phone = None
        if rng.random() < 0.7:
            phone = f"+1312{2000000 + n:07d}"
            records.append(Entity(type="Phone", properties={"number": phone}, id=f"phone:{phone}"))
            records.append(Link(type="uses", source_id=pid, target_id=f"phone:{phone}"))
        if rng.random() < 0.3:
            email = f"{first}.{last}{n}@example.com".lower()
            records.append(Entity(type="Email", properties={"address": email}, id=f"email:{email}"))
            records.append(Link(type="uses", source_id=pid, target_id=f"email:{email}"))
        drawn.append((pid, first, last, phone))
    for n in range(people - base):
        pid, first, last, phone = rng.choice(drawn)
        name, kind = _variant(rng, first, last)
        did = f"person:dup{n:06d}"
        records.append(Entity(type="Person", id=did, properties={"name": name}))
        shares = bool(phone) and rng.random() < 0.8
        if shares:
            records.append(Link(type="uses", source_id=did, target_id=f"phone:{phone}"))
        planted.append((pid, did, f"{kind}, {'same phone' if shares else 'name only'}"))
    start = time.perf_counter()
    with Case.create(path, PASSPHRASE) as case:
        result = add_records(case, records, batch_size=50_000)
    return {
        "records": len(records),
        "added": result.added,
        "rejected": len(result.rejected),
        "build_s": round(time.perf_counter() - start, 1),
        "planted": planted,
    }


def run_candidates(path: Path, planted_file: Path) -> None:
    from analyst_app.resolution import candidates
    from analyst_app.store import Case

    with Case.open(path, PASSPHRASE) as case:
        start, cpu = time.perf_counter(), time.process_time()
        found = candidates(case)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    planted = json.loads(planted_file.read_text())
    pairs = {frozenset((c.a_id, c.b_id)): c for c in found}
    kinds: dict[str, list[int]] = {}
    for a, b, kind in planted:
        hit = kinds.setdefault(kind, [0, 0])
        hit[1] += 1
        hit[0] += frozenset((a, b)) in pairs
    found_planted = sum(h[0] for h in kinds.values())
    print(
        f"candidates():      {seconds:.1f} s wall, {cpu:.1f} s CPU (target < 20 s),"
        f" peak memory {peak_mb:.0f} MB"
    )
    print(f"pairs proposed:    {len(found):,}")
    print(f"planted pairs:     {found_planted:,} of {len(planted):,} found")
    for kind, (hit, total) in sorted(kinds.items()):
        print(f"  {kind:22s} {hit:5d} / {total:5d}")
    for c in found[:: max(1, len(found) // 8)][:8]:
        print(f"  e.g. {c.score:3d} {c.a_label} | {c.b_label}: {'; '.join(c.reasons)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the case in this folder and keep it")
    parser.add_argument("--phase", choices=("all", "candidates"), default="all")
    parser.add_argument("--case", type=Path)
    parser.add_argument("--planted", type=Path)
    args = parser.parse_args()
    if args.phase == "candidates":
        run_candidates(args.case, args.planted)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-resolution-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "people.case"
    path.unlink(missing_ok=True)
    built = build(path, args.people, args.seed)
    planted_file = folder / "planted.json"
    planted_file.write_text(json.dumps(built.pop("planted")))
    print(f"people: {args.people:,}; case built in {built['build_s']} s ({built})")
    subprocess.run(
        [sys.executable, __file__, "--phase", "candidates", "--case", str(path),
         "--planted", str(planted_file)],
        check=True,
    )  # fmt: skip


if __name__ == "__main__":
    main()
