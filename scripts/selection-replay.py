"""Scores selection rules for transfer `auto` offline, on the folds dumped by bench/selection-replay.bench.ts.

python3 scripts/selection-replay.py /tmp/selection-replay-100.json
Prints, per rule: outer MAE (mean over seeds), change vs no transfer, 90 % coverage of the mixture, MAE per seed.
Needs numpy and scipy (Debian: python3-numpy python3-scipy).
"""
import json
import sys

import numpy as np
from scipy.optimize import nnls

records = json.load(open(sys.argv[1]))
labels = [c['label'] for c in records[0]['cands']]
K = len(labels)
B = labels.index('none')
results = {}


def one_hot(k):
    w = np.zeros(K)
    w[k] = 1
    return w


def average(members):
    w = np.zeros(K)
    w[list(members)] = 1 / len(members)
    return w


for r in records:
    y = np.array(r['ytr'])
    yte = np.array(r['yte'])
    O = np.array([c['oof'] for c in r['cands']]).T  # inner out-of-fold means, rows x candidates
    T = np.array([c['te'] for c in r['cands']]).T  # outer test means
    V = np.array([c['teVar'] for c in r['cands']]).T
    E = np.abs(O - y[:, None])
    mae = E.mean(0)
    order = [int(i) for i in np.argsort(mae)]
    transfer = [i for i in order if i != B]

    def beats(w):
        # one-standard-error rule on the paired inner errors of the weighted out-of-fold prediction vs the baseline
        d = E[:, B] - np.abs(O @ w - y)
        return d.mean() > d.std() / np.sqrt(len(d) - 1)

    def emit(name, w):
        mu = T @ w
        var = V @ w + ((T - mu[:, None]) ** 2) @ w
        results.setdefault(name, {}).setdefault(r['seed'], []).append((np.abs(yte - mu), np.abs(yte - mu) <= 1.645 * np.sqrt(var)))

    for k in range(K):
        emit(labels[k], one_hot(k))
    emit('lowest inner-CV score', one_hot(order[0]))
    emit('one-SE rule, single candidate', one_hot(order[0]) if order[0] == B or beats(one_hot(order[0])) else one_hot(B))
    for k in (2, 3, 4):
        w = average(transfer[:k])
        emit(f'average of the {k} best, one-SE rule', w if beats(w) else one_hot(B))
    w = average(transfer[:3])
    emit('auto: average of 3, else best alone, one-SE rule', w if beats(w) else one_hot(transfer[0]) if beats(one_hot(transfer[0])) else one_hot(B))
    A = np.vstack([O, 1e3 * np.ones((1, K))])
    ws, _ = nnls(A, np.concatenate([y, [1e3]]))
    emit('stacking (non-negative weights)', ws / ws.sum())
    for tau in (0.5, 1, 2):
        s = np.exp(-(mae - mae.min()) / (tau * mae.std() + 1e-12))
        emit(f'softmax weights, temperature {tau}', s / s.sum())

none = np.mean([np.concatenate([e for e, _ in v]).mean() for v in results['none'].values()])
rows = []
for name, by_seed in results.items():
    per_seed = [np.concatenate([e for e, _ in v]).mean() for _, v in sorted(by_seed.items())]
    cov = np.concatenate([np.concatenate([c for _, c in v]) for v in by_seed.values()]).mean()
    rows.append((np.mean(per_seed), name, cov, per_seed))
for m, name, cov, per_seed in sorted(rows):
    print(f'{name:50s} {m:.3f} ({(m / none - 1) * 100:+.1f} %) coverage90 {cov:.2f}  per seed ' + ' '.join(f'{x:.3f}' for x in per_seed))
