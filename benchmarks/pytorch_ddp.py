"""PyTorch's DistributedDataParallel (gloo backend) on this machine: the models and the
training step of pytorch_reference.py, RANKS processes of THREADS threads, each with
--batch-size images per step; prints the same JSON schema as `anneal bench train --ranks`.
Usage: pytorch_ddp.py --model resnet20 --ranks 2 --threads 1"""
import argparse
import json
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel

from pytorch_reference import MACS, FIRST_LAYER_MACS, make


def worker(rank, args):
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29533")
    torch.set_num_threads(args.threads)
    dist.init_process_group("gloo", rank=rank, world_size=args.ranks)
    torch.manual_seed(0)
    model = DistributedDataParallel(make(args.model))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    inputs = torch.rand(args.batch_size, 1, 28, 28)
    labels = torch.arange(args.batch_size) % 10
    loss_fn = nn.CrossEntropyLoss()

    def train():
        for _ in range(args.steps):
            loss = loss_fn(model(inputs), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    times = []
    for repeat in range(6):
        dist.barrier()
        start = time.perf_counter()
        train()
        if repeat > 0:
            times.append(time.perf_counter() - start)
    step = sorted(times)[len(times) // 2] / args.steps
    rate = args.batch_size * args.ranks / step
    if rank == 0:
        print(json.dumps({"framework": "pytorch-ddp", "model": args.model, "batch": args.batch_size, "ranks": args.ranks,
                          "threads": args.threads, "train_images_per_s": round(rate, 1),
                          "gflops": round((6 * MACS[args.model] - 2 * FIRST_LAYER_MACS[args.model]) * rate / 1e9, 1)}), flush=True)
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    mp.spawn(worker, args=(args,), nprocs=args.ranks)


if __name__ == "__main__":
    main()
