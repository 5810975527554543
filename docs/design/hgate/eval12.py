"""The 12 June strip / north / Sokolov at a MAP (uncalibrated + every fitted value set), and
the winner's flip on German quality (forceratio threshold), by the CLI.
Optional `--range LO:HI` (default 0.63:18.69, the range of 8.22) for the threshold's German quality."""
import json, subprocess, sys
SCN = ["strike-12june-strip", "strike-12june-north", "sokolov-152v100"]
def cli(args):
    r = subprocess.run([sys.executable, "-m", "forceratio", *args], capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(r.stderr)
    return json.loads(r.stdout)
def main():
    args = sys.argv[1:]
    rng = "0.63:18.69"
    if "--range" in args:
        i = args.index("--range")
        rng = args[i + 1]
        del args[i : i + 2]
    src, extra = args[0], args[1:]
    if src == "shipped":
        sets = []
        base = []
    else:
        d = json.load(open(src))
        sets = [f"{p['parameter']}={p['value']!r}" for p in d["parameters"] if p["parameter"] != "sigma"]
        base = ["--uncalibrated"]
    sargs = [a for s in sets + extra for a in ("--set", s)]
    print("sets:", " ".join(sets + extra))
    for scn in SCN:
        row = cli(["run", scn, "--format", "json", *base, *sargs])
        row = row[0] if isinstance(row, list) else row
        keys = ["winner", "winner_decided_by", "attacker_margin", "german_losses", "german_captured", "soviet_losses"]
        print(scn, {k: row.get(k) for k in keys if k in row})
        th = cli(["threshold", scn, "--vary", f"modifiers.quality.Germany={rng}", "--format", "json", *base, *sargs])
        g = th["grid"]
        flips = [round(g[i][0], 3) for i in range(len(g) - 1) if g[i][1] != g[i + 1][1]]
        print("  flip:", th["value"], "bracket", th["bracket"], "grid sign changes at", flips, "low end wins:", g[0][1])
main()
