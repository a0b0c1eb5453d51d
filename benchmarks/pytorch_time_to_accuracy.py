"""PyTorch twin of `anneal train --model fast` for benchmarks/time_to_accuracy.sh:
the same network (FastNet), data, augmentation and recipe, timed the same way
(wall clock from start to the final test accuracy, evaluating as often as Anneal's run).

Recipe, as Anneal's `fast` preset resolves it (the run's run.json is the source):
SGD momentum 0.9 (Nesterov when asked), weight decay on convolution and linear
weights only, cross-entropy with label smoothing, a linear warmup from 1 % of the
peak rate followed by a cosine decay to 0 (both per step), hflip p 0.5 and a
random crop with 2 pixels of zero padding and, with --erase P, random erasing
(Zhong et al.: probability P, area 2–33 %, aspect 0.3–3.3 log-uniform, up to ten
tries, filled with 0) on the raw [0, 1] images, then
normalization by the training set's mean and standard deviation; with --tta flip
the evaluation averages the probabilities of each image and its mirror image;
with --residual-blocks each block's second convolution is a residual pair (Anneal's
BasicBlock); with --whitened-stem the first convolution starts as ± eigenvector pairs of the
covariance of the first 2,000 training images' patches, scaled by 1/sqrt(λ + 0.01)."""
import argparse
import gzip
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory):
    def pair(prefix):
        x = read_idx(f"{directory}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255
        y = read_idx(f"{directory}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
        return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)
    return pair("train"), pair("t10k")


class BasicBlock(nn.Module):
    """relu(x + bn(conv(relu(bn(conv(x)))))): Anneal's BasicBlock with an identity shortcut."""
    def __init__(self, width):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = nn.Conv2d(width, width, 3, padding=1, bias=False), nn.BatchNorm2d(width)

    def forward(self, x):
        return F.relu(x + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


def fast_net(widths, classes=10, size=28, stem_patch=1, residual_blocks=False):
    def conv(i, o):
        return nn.Conv2d(i, o, 3, padding=1, bias=False)
    stem = conv(1, widths[0]) if stem_patch == 1 else nn.Conv2d(1, widths[0], stem_patch, stride=stem_patch, bias=False)
    size //= stem_patch
    layers = [stem, nn.BatchNorm2d(widths[0]), nn.ReLU()]
    for i, o in zip(widths[:-1], widths[1:]):
        layers += [conv(i, o), nn.MaxPool2d(2), nn.BatchNorm2d(o), nn.ReLU()]
        layers += [BasicBlock(o)] if residual_blocks else [conv(o, o), nn.BatchNorm2d(o), nn.ReLU()]
        size //= 2
    head = nn.Linear(widths[-1], classes)
    nn.init.xavier_normal_(head.weight)
    nn.init.zeros_(head.bias)
    net = nn.Sequential(*layers, nn.MaxPool2d(size), nn.Flatten(), head)
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    return net


def whiten_stem(conv, images, epsilon=0.01):
    """± eigenvector pairs of the patch covariance, strongest first (Anneal's PatchWhitening)."""
    out, c, kh, kw = conv.weight.shape
    patches = F.unfold(images, (kh, kw)).transpose(1, 2).reshape(-1, c * kh * kw).double()
    values, vectors = torch.linalg.eigh(torch.cov(patches.T))
    d = c * kh * kw
    with torch.no_grad():
        for f in range(min(out, 2 * d)):
            k = d - 1 - f // 2
            sign = 1 if f % 2 == 0 else -1
            conv.weight[f] = (sign * vectors[:, k] / (values[k].clamp(min=0) + epsilon).sqrt()).float().reshape(c, kh, kw)


def augment(x, generator, padding):
    """hflip p 0.5, then a random crop from a zero-padded image, per sample."""
    n, _, h, w = x.shape
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    if padding == 0:
        return x
    padded = F.pad(x, (padding,) * 4)
    dy = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * padding + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(h)[None, :])[:, None, :, None].expand(n, 1, h, w + 2 * padding)
    x = padded.gather(2, rows)
    cols = (dx[:, None] + torch.arange(w)[None, :])[:, None, None, :].expand(n, 1, h, w)
    return x.gather(3, cols)


def erase(x, generator, probability, area=(0.02, 0.33), aspect=(0.3, 3.3), tries=10):
    """Random erasing per sample, vectorized: the first of `tries` drawn rectangles that fits."""
    n, _, h, w = x.shape
    targets = h * w * (area[0] + (area[1] - area[0]) * torch.rand(n, tries, generator=generator))
    ratios = torch.exp(math.log(aspect[0]) + (math.log(aspect[1]) - math.log(aspect[0])) * torch.rand(n, tries, generator=generator))
    eh, ew = (targets * ratios).sqrt().round().long(), (targets / ratios).sqrt().round().long()
    fits = (eh >= 1) & (ew >= 1) & (eh < h) & (ew < w)
    first = torch.where(fits.any(1), fits.long().argmax(1), torch.full((n,), -1))
    chosen = (torch.rand(n, generator=generator) < probability) & (first >= 0)
    rows = torch.arange(n)
    eh, ew = eh[rows, first.clamp(min=0)], ew[rows, first.clamp(min=0)]
    y0 = (torch.rand(n, generator=generator) * (h - eh + 1)).long()
    x0 = (torch.rand(n, generator=generator) * (w - ew + 1)).long()
    ys, xs = torch.arange(h)[None, :], torch.arange(w)[None, :]
    inside_y = (ys >= y0[:, None]) & (ys < (y0 + eh)[:, None])
    inside_x = (xs >= x0[:, None]) & (xs < (x0 + ew)[:, None])
    mask = chosen[:, None, None] & inside_y[:, :, None] & inside_x[:, None, :]
    return x.masked_fill(mask[:, None], 0.0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--widths", default="16,32,64,128")
    p.add_argument("--stem-patch", type=int, default=1)
    p.add_argument("--whitened-stem", action="store_true")
    p.add_argument("--residual-blocks", action="store_true")
    p.add_argument("--evaluate-every", type=int, default=1)
    p.add_argument("--tta", choices=["none", "flip"], default="none")
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--nesterov", action="store_true")
    p.add_argument("--weight-decay", type=float, required=True)
    p.add_argument("--label-smoothing", type=float, default=0)
    p.add_argument("--warmup-epochs", type=float, default=0)
    p.add_argument("--warmup-start-factor", type=float, default=0.01)
    p.add_argument("--crop-padding", type=int, default=2)
    p.add_argument("--erase", type=float, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()

    start = time.perf_counter()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    generator = torch.Generator().manual_seed(a.seed)
    (train_x, train_y), (test_x, test_y) = load(a.data_dir)
    mean, std = train_x.mean().item(), train_x.std().item()
    test_x = (test_x - mean) / std
    net = fast_net([int(w) for w in a.widths.split(",")], stem_patch=a.stem_patch, residual_blocks=a.residual_blocks)
    if a.whitened_stem:
        whiten_stem(net[0], (train_x[:2000] - mean) / std)
    decay = [q for q in net.parameters() if q.dim() > 1]
    no_decay = [q for q in net.parameters() if q.dim() <= 1]
    optimizer = torch.optim.SGD([{"params": decay, "weight_decay": a.weight_decay}, {"params": no_decay, "weight_decay": 0}],
                                lr=a.lr, momentum=a.momentum, nesterov=a.nesterov)
    steps_per_epoch = math.ceil(len(train_x) / a.batch_size)
    total = a.epochs * steps_per_epoch
    warmup = round(a.warmup_epochs * steps_per_epoch)

    def factor(step):
        if step < warmup:
            return a.warmup_start_factor + (1 - a.warmup_start_factor) * step / warmup
        t = step - warmup
        return 0.5 * (1 + math.cos(math.pi * t / (total - warmup))) if t < total - warmup else 0.0

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=a.label_smoothing)
    epochs = []
    for epoch in range(a.epochs):
        net.train()
        order = torch.randperm(len(train_x), generator=generator)
        for i in range(steps_per_epoch):
            index = order[i * a.batch_size:(i + 1) * a.batch_size]
            x = augment(train_x[index], generator, a.crop_padding)
            if a.erase > 0:
                x = erase(x, generator, a.erase)
            x = (x - mean) / std
            loss = loss_fn(net(x), train_y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
        if (epoch + 1) % a.evaluate_every != 0 and epoch + 1 != a.epochs:
            print(f"epoch {epoch + 1}/{a.epochs}  {time.perf_counter() - start:.1f}s", flush=True)
            continue
        net.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(test_x), 1000):
                x = test_x[i:i + 1000]
                scores = net(x) if a.tta == "none" else net(x).softmax(1) + net(x.flip(3)).softmax(1)
                correct += (scores.argmax(1) == test_y[i:i + 1000]).sum().item()
        epochs.append(correct / len(test_x))
        print(f"epoch {epoch + 1}/{a.epochs}  test acc {epochs[-1]:.4f}  {time.perf_counter() - start:.1f}s", flush=True)
    print(json.dumps({"framework": "pytorch", "torch": torch.__version__, "threads": a.threads, "epochs": a.epochs,
                      "test_accuracy": epochs[-1], "wall_s": round(time.perf_counter() - start, 1)}))


if __name__ == "__main__":
    main()
