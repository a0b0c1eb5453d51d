"""PyTorch reference for `anneal bench train`: the same four models, the same
training step (forward, cross-entropy, backward, SGD momentum 0.9, weight decay
5e-4) on random 28x28x1 images, printing the same JSON schema."""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn


def basic_block(cin, cout, stride):
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.shortcut = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                             if stride != 1 or cin != cout else None)

        def forward(self, x):
            out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
            return torch.relu(out + (self.shortcut(x) if self.shortcut is not None else x))
    return Block()


class ResNet20(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        def stage(cin, cout, stride):
            return nn.Sequential(*[basic_block(cin if i == 0 else cout, cout, stride if i == 0 else 1) for i in range(n)])
        self.layer1, self.layer2, self.layer3 = stage(16, 16, 1), stage(16, 32, 2), stage(32, 64, 2)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.layer3(self.layer2(self.layer1(torch.relu(self.bn1(self.conv1(x))))))
        return self.fc(x.mean((2, 3)))


def make(name):
    if name == "mlp-s":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if name == "mlp-l":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
    if name == "resnet20":
        return ResNet20()
    raise SystemExit(f"unknown model {name}")


# Forward multiply-adds per image (the same counts as `anneal bench train`).
MACS = {"mlp-s": 784 * 256 + 256 * 10, "mlp-l": 784 * 1024 + 1024 * 1024 + 1024 * 10,
        "cnn": 225_792 + 3_612_672 + 401_408 + 1_280,
        "resnet20": 112_896 + 10_838_016 + 10_035_200 + 10_035_200 + 640}
# The first layer's input needs no gradient, so its backward pass skips one product.
FIRST_LAYER_MACS = {"mlp-s": 784 * 256, "mlp-l": 784 * 1024, "cnn": 225_792, "resnet20": 112_896}


def median_seconds(body, repeats=5, warmup=1):
    for _ in range(warmup):
        body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="mlp-s")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = make(args.model)
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

        model.train()
        train_s = median_seconds(train) / args.steps
        model.eval()

        def evaluate():
            with torch.no_grad():
                for _ in range(args.steps):
                    model(inputs)

        eval_s = median_seconds(evaluate) / args.steps
        rate = args.batch_size / train_s
        print(json.dumps({"framework": "pytorch", "model": args.model, "batch": args.batch_size, "threads": threads,
                          "train_images_per_s": round(rate, 1), "eval_images_per_s": round(args.batch_size / eval_s, 1),
                          "gflops": round((6 * MACS[args.model] - 2 * FIRST_LAYER_MACS[args.model]) * rate / 1e9, 1),
                          "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}), flush=True)


if __name__ == "__main__":
    main()
