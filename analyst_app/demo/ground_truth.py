"""What was planted, and where: the answer key the tests and the trainer check against."""

from __future__ import annotations

from typing import Any

from analyst_app.demo.ads import CITIES, ESCORT_SITE
from analyst_app.demo.common import CASE_TZ_NAME, DAYS, START, local_iso, local_ts
from analyst_app.demo.money_plants import AD_SITE, BUS, CIRCUIT, FUNNEL_DAYS, STRUCTURING_DAYS
from analyst_app.demo.people import Cast
from analyst_app.demo.tips import OBFUSCATED

BANK, CDR, ADS, TIPS = "bank_transactions.csv", "cdr.csv", "ads.jsonl", "tips.csv"
XML, WORKERS, COMMUNITY = (
    "phone_extraction/report.xml",
    "worker_messages.csv",
    "community_reports.json",
)


def _plant(rule: str, entities: list[str], sources: list[str], description: str) -> dict[str, Any]:
    return {"rule": rule, "entities": entities, "sources": sources, "description": description}


def planted(cast: Cast) -> list[dict[str, Any]]:
    rec, boss, ads, greg, carl = cast.suspects
    salon, parlor, v = cast.salon, cast.parlor, cast.victims
    victim_accounts = [x.account for x in v]
    hotels = ["Lakeview Inn (fictional)", "Hoosier Stay Motel (fictional)",
              "Gateway Lodge (fictional)"]  # fmt: skip
    return [
        _plant("F5", [salon.name, salon.account, parlor.name, parlor.account], [BANK, COMMUNITY],
               "Nail salon (MCC 7230) and massage parlor (MCC 7297): about three quarters of the "
               "cash deposits go into the night depository between 21:00 and 06:00 Chicago time, "
               "and total deposits are several times the peer businesses' median."),
        _plant("F10", [greg.name, greg.account], [BANK],
               f"Pairs of cash deposits of 8,000-9,999 one or two days apart (from days "
               f"{', '.join(map(str, STRUCTURING_DAYS))}), each pair over 10,000; wires of "
               f"2,600-2,990 to Panama."),
        _plant("F11", [carl.name, carl.account, *(d.name for d in cast.depositors)], [BANK],
               f"Cash deposited in Houston, Atlanta and Las Vegas by three depositors, withdrawn "
               f"in Chicago two days later (episodes from days {FUNNEL_DAYS})."),
        _plant("F6", [carl.account, greg.account], [BANK],
               "Six or more cash deposits in 90 days and no ACH or payroll credits."),
        _plant("F1", [ads.name, ads.account, AD_SITE], [BANK],
               "Ten card debits under 100 to the escort-ad site within 30 days."),
        _plant("F2", [ads.name, ads.account, *hotels], [BANK],
               "Hotel charges (MCC 7011) in Milwaukee, Indianapolis and St. Louis within 17 days, "
               "on the days the ads run there."),
        _plant("F3", [ads.name, ads.account, BUS], [BANK],
               "Three bus tickets (MCC 4131) on the same day and route before each move."),
        _plant("F14", [ads.name, ads.account, ads.phone], [BANK, ADS],
               "The account holder's phone is the phone in the persona's ads."),
        _plant("F17", [boss.name, boss.phone, boss.email, boss.address, *victim_accounts], [BANK],
               "Two victims' accounts carry the boss's phone, two his e-mail, one his address; he "
               "deposits cash into all five."),
        _plant("F12", [boss.name, boss.account, *victim_accounts], [BANK],
               "85-95% of each victim's payroll credit goes to the boss by P2P within 20 hours."),
        _plant("ADS-CIRCUIT", [ads.phone, *(CITIES[c][0] for c, _, _ in CIRCUIT)], [ADS],
               f"One phone advertised on {ESCORT_SITE} in Chicago, Milwaukee, Indianapolis and "
               f"St. Louis within 24 days (days {CIRCUIT[0][1]}-{CIRCUIT[-1][2]})."),
        _plant("ADS-PERSONA", [ads.phone, cast.burner, cast.persona_email, "@velvet.nights"],
               [ADS, TIPS],
               "A second phone shares the persona's photos (image hashes) and e-mail; one ad "
               "spells the number out ('three1two five5five 01seven7') and lists no phone."),
        _plant("RECRUITMENT-RING", [rec.name, rec.phone, rec.imei, boss.phone,
                                    *(x.phone for x in v)], [CDR, XML, TIPS],
               "The recruiter calls and texts each victim for a week before she arrives, then "
               "calls the boss; the seized phone holds the same calls, the victims as contacts and "
               "recovered deleted texts about passports."),
        _plant("TIP-PHONE", [rec.phone, rec.name], [TIPS],
               f"The recruiter's phone is in four tips: once only spelled out in the narrative "
               f"('{OBFUSCATED}'), otherwise in several formats."),
        _plant("WORKER-VOICE", [salon.name, parlor.name, *(x.phone for x in v)], [WORKERS],
               "The victims' phones answer the worker survey with 1s on wages, movement and "
               "documents, naming the two businesses as employers."),
    ]  # fmt: skip


def ground_truth(cast: Cast, seed: int, size: str, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "case": {"name": "Operation Lantern (fictional demo)", "time_zone": CASE_TZ_NAME,
                 "start": START.isoformat(), "end": local_iso(local_ts(DAYS, 0)),
                 "seed": seed, "size": size},
        "victims": [{"name": x.name, "phone": x.phone, "account": x.account}
                    for x in cast.victims],
        "suspects": [{"name": x.name, "phone": x.phone, "account": x.account}
                     for x in cast.suspects],
        "businesses": [{"name": b.name, "mcc": b.mcc, "account": b.account, "owner": b.owner}
                       for b in (cast.salon, cast.parlor)],
        "planted": planted(cast),
        "files": files,
    }  # fmt: skip
