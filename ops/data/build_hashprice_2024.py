#!/usr/bin/env python3
"""Builds ops/data/hashprice_usd_2024.csv: an hourly 2024 Bitcoin hashprice (USD per TH/s per day).

Inputs (the shared public data set; not copied into the repository):
  btc_usd_2024_hourly_partial.csv      BTC-USD hourly candles, 2024-01-01 .. 2024-09-11T17Z
  reference_btc_hashprice_points.csv   hashprice / hashrate / difficulty / BTC quotes from web pages

Method (see README, "What SHA-256d mining earns"):
  hashprice = BTC price x (block subsidy) x (1 + fee share) x 144 blocks/day / network hashrate
  - BTC price: the hourly close.
  - subsidy: 6.25 BTC until the 4th halving (block 840,000, 2024-04-20T00:09Z), then 3.125 BTC.
  - network hashrate: linear between anchors: 2024-07-04 578 EH/s, 2024-11-12 733.11 EH/s and
    2024-12-23 795 EH/s (7-day figures quoted with the hashprices), and 2024-04-01, where the hashrate
    is solved from the quoted hashprice (108.6 USD/PH/day) and that hour's BTC price. Before 2024-04-01
    it is held at that value (no earlier 2024 anchor is in the data; the real hashrate was lower in
    January-March, so the hashprice there is understated, by up to ~15 %).
  - fee share: one constant, the mean of the shares implied at the points where BTC price, hashrate
    and hashprice are all quoted (2024-07-04, 2024-11-12, 2024-12-23).
  After the BTC file ends (2024-09-11T17Z) the series is linear in time between the last computed
  hour and the quoted hashprice points (2024-11-12, 2024-12-16, 2024-12-23), held after the last.

Usage: python3 ops/data/build_hashprice_2024.py [--data ../shared/data] [--out ops/data/hashprice_usd_2024.csv]
Prints the fee share and the error against each quoted 2024 hashprice point.
"""
import argparse
import csv
from datetime import datetime, timedelta, timezone

HALVING = datetime(2024, 4, 20, 0, 9, tzinfo=timezone.utc)
BLOCKS_PER_DAY = 144
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
END = datetime(2025, 1, 1, tzinfo=timezone.utc)


def ts(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def subsidy(at):
    return 6.25 if at < HALVING else 3.125


def linear(points, at):
    """points: sorted [(datetime, value)]; held flat outside."""
    if at <= points[0][0]:
        return points[0][1]
    for (t0, v0), (t1, v1) in zip(points, points[1:]):
        if at <= t1:
            return v0 + (v1 - v0) * (at - t0) / (t1 - t0)
    return points[-1][1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--out", default="ops/data/hashprice_usd_2024.csv")
    args = parser.parse_args()

    btc = {}
    with open(f"{args.data}/btc_usd_2024_hourly_partial.csv", newline="") as f:
        for row in csv.DictReader(f):
            btc[ts(row["timestamp_utc"])] = float(row["btc_close_usd"])
    refs = {}
    with open(f"{args.data}/reference_btc_hashprice_points.csv", newline="") as f:
        for row in csv.DictReader(f):
            refs.setdefault(ts(row["timestamp_utc"]), {})[row["metric"]] = float(row["value"])

    def hour_price(at):
        return btc[at.replace(minute=0, second=0)]

    # USD per PH/s per day, per the formula, for a price (USD), hashrate (PH/s) and fee share.
    def model(price, hashrate_ph, at, fee):
        return price * subsidy(at) * (1 + fee) * BLOCKS_PER_DAY / hashrate_ph

    # Fee share implied where price, hashrate and hashprice are all quoted.
    shares = []
    for at, m in sorted(refs.items()):
        if at.year != 2024 or "hashprice_usd" not in m:
            continue
        hashrate = m.get("hashrate_7d_sma") or m.get("hashrate_7d")
        price = m.get("btc_price_usd") or (hour_price(at) if at.replace(minute=0) in btc else None)
        if hashrate and price:
            shares.append(m["hashprice_usd"] / model(price, hashrate * 1000, at, 0) - 1)
    fee = sum(shares) / len(shares)

    # Hashrate anchors (PH/s); 2024-04-01 solved from its quoted hashprice.
    april = datetime(2024, 4, 1, tzinfo=timezone.utc)
    anchors = [(april, hour_price(april) * subsidy(april) * (1 + fee) * BLOCKS_PER_DAY / refs[april]["hashprice_usd"])]
    for at, m in sorted(refs.items()):
        hashrate = m.get("hashrate_7d_sma") or m.get("hashrate_7d")
        if at.year == 2024 and hashrate:
            anchors.append((at, hashrate * 1000))

    last_btc = max(btc)
    rows = []
    at = START
    while at < END and at <= last_btc:
        rows.append((at, model(btc[at], linear(anchors, at), at, fee)))
        at += timedelta(hours=1)
    tail = [(rows[-1][0], rows[-1][1])] + [(t, m["hashprice_usd"]) for t, m in sorted(refs.items()) if t > last_btc and "hashprice_usd" in m]
    while at < END:
        rows.append((at, linear(tail, at)))
        at += timedelta(hours=1)

    with open(args.out, "w", newline="") as f:
        f.write("timestamp_utc,hashprice_usd_per_th_day\n")
        for t, v in rows:
            f.write(f"{t:%Y-%m-%dT%H:%M:%SZ},{v / 1000:.6f}\n")

    print(f"fee share {fee:.4f} (implied at {len(shares)} points: {', '.join(f'{s:+.4f}' for s in shares)})")
    print(f"hashrate anchors (EH/s): {', '.join(f'{t:%Y-%m-%d} {h / 1000:.1f}' for t, h in anchors)}")
    series = {t: v for t, v in rows}
    for at, m in sorted(refs.items()):
        if at.year == 2024 and "hashprice_usd" in m:
            got = series[at.replace(minute=0)]
            how = "computed" if at <= last_btc else "interpolated (a tail anchor)"
            print(f"{at:%Y-%m-%dT%H:%MZ}: quoted {m['hashprice_usd']:.3f}, series {got:.3f} USD/PH/day, error {got / m['hashprice_usd'] - 1:+.1%} ({how})")
    # In-sample check of the formula where all inputs are quoted (after the BTC file ends).
    for at, m in sorted(refs.items()):
        hashrate = m.get("hashrate_7d_sma") or m.get("hashrate_7d")
        if at > last_btc and "btc_price_usd" in m and hashrate:
            got = model(m["btc_price_usd"], hashrate * 1000, at, fee)
            print(f"{at:%Y-%m-%d}: formula on the quoted price and hashrate {got:.3f} vs quoted {m['hashprice_usd']:.3f}: {got / m['hashprice_usd'] - 1:+.1%}")
    print(f"{len(rows)} rows, mean {sum(v for _, v in rows) / len(rows) / 1000:.5f} USD/TH/day, min {min(v for _, v in rows) / 1000:.5f}, max {max(v for _, v in rows) / 1000:.5f} -> {args.out}")


if __name__ == "__main__":
    main()
