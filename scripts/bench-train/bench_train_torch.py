#!/usr/bin/env python3
"""The SpatialVLM.NET architecture (Idefics3/SmolVLM shape) in PyTorch, timed on the same synthetic training steps as
TrainingBenchmark.Run. Reads the TorchSharp result JSON (for the exact config and sizes) from argv[1]; prints JSON.
Run with Debian's /usr/bin/python3 and python3-torch."""
import json
import math
import os
import re
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE_TOKEN, IGNORED = 259, -100


def _math_attention(q, k, v, is_causal=False):
    # Debian 12's torch 1.13 predates F.scaled_dot_product_attention: the same computation written out.
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if is_causal:
        t = q.shape[-2]
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
    return scores.softmax(-1) @ v


ATTENTION = "scaled_dot_product_attention" if hasattr(F, "scaled_dot_product_attention") else "math (no SDPA in this torch)"
sdpa = getattr(F, "scaled_dot_product_attention", _math_attention)


class VisionLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["hiddenSize"]
        self.heads = c["heads"]
        self.layer_norm1 = nn.LayerNorm(d, eps=c["layerNormEps"])
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
        self.layer_norm2 = nn.LayerNorm(d, eps=c["layerNormEps"])
        self.fc1, self.fc2 = nn.Linear(d, c["mlpSize"]), nn.Linear(c["mlpSize"], d)

    def forward(self, x):
        b, n, d = x.shape
        h = self.layer_norm1(x)
        q, k, v = (p(h).view(b, n, self.heads, -1).transpose(1, 2) for p in (self.q_proj, self.k_proj, self.v_proj))
        x = x + self.out_proj(sdpa(q, k, v).transpose(1, 2).reshape(b, n, d))
        return x + self.fc2(F.gelu(self.fc1(self.layer_norm2(x)), approximate="tanh"))


class RmsNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight, self.eps = nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


class DecoderLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, self.heads, self.kv = c["hiddenSize"], c["heads"], c["keyValueHeads"]
        hd = d // self.heads
        self.q_proj = nn.Linear(d, self.heads * hd, bias=False)
        self.k_proj = nn.Linear(d, self.kv * hd, bias=False)
        self.v_proj = nn.Linear(d, self.kv * hd, bias=False)
        self.o_proj = nn.Linear(self.heads * hd, d, bias=False)
        self.gate_proj = nn.Linear(d, c["intermediateSize"], bias=False)
        self.up_proj = nn.Linear(d, c["intermediateSize"], bias=False)
        self.down_proj = nn.Linear(c["intermediateSize"], d, bias=False)
        self.input_layernorm = RmsNorm(d, c["rmsNormEps"])
        self.post_attention_layernorm = RmsNorm(d, c["rmsNormEps"])

    def forward(self, x, cos, sin):
        b, t, d = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, self.heads, -1).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.kv, -1).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.kv, -1).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(self.heads // self.kv, dim=1), v.repeat_interleave(self.heads // self.kv, dim=1)
        x = x + self.o_proj(sdpa(q, k, v, is_causal=True).transpose(1, 2).reshape(b, t, d))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Vlm(nn.Module):
    def __init__(self, config):
        super().__init__()
        v, t, s = config["vision"], config["text"], config["connector"]["scaleFactor"]
        self.patches = (v["imageSize"] // v["patchSize"]) ** 2
        self.scale = s
        self.patch_embedding = nn.Conv2d(3, v["hiddenSize"], v["patchSize"], v["patchSize"])
        self.position_embedding = nn.Embedding(self.patches, v["hiddenSize"])
        self.vision_layers = nn.ModuleList(VisionLayer(v) for _ in range(v["layers"]))
        self.post_layernorm = nn.LayerNorm(v["hiddenSize"], eps=v["layerNormEps"])
        self.proj = nn.Linear(v["hiddenSize"] * s * s, t["hiddenSize"], bias=False)
        self.embed_tokens = nn.Embedding(t["vocabSize"], t["hiddenSize"])
        self.layers = nn.ModuleList(DecoderLayer(t) for _ in range(t["layers"]))
        self.norm = RmsNorm(t["hiddenSize"], t["rmsNormEps"])
        self.lm_head = nn.Linear(t["hiddenSize"], t["vocabSize"], bias=False)
        hd = t["hiddenSize"] // t["heads"]
        self.register_buffer("inv_freq", 1.0 / t["ropeTheta"] ** (torch.arange(0, hd, 2).float() / hd), persistent=False)

    def pixel_shuffle(self, x):
        b, seq, d = x.shape
        side, s = int(math.isqrt(seq)), self.scale
        x = x.view(b, side, side, d).view(b, side, side // s, d * s).permute(0, 2, 1, 3)
        x = x.reshape(b, side // s, side // s, d * s * s).permute(0, 2, 1, 3)
        return x.reshape(b, seq // (s * s), d * s * s)

    def forward(self, ids, pixels):
        x = self.patch_embedding(pixels).flatten(2).transpose(1, 2)
        x = x + self.position_embedding(torch.arange(self.patches))
        for layer in self.vision_layers:
            x = layer(x)
        image = self.proj(self.pixel_shuffle(self.post_layernorm(x)))
        embeds = self.embed_tokens(ids).masked_scatter((ids == IMAGE_TOKEN).unsqueeze(-1), image)
        freqs = torch.arange(ids.shape[1]).float()[:, None] * self.inv_freq[None, :]
        angles = torch.cat([freqs, freqs], dim=-1)
        cos, sin = angles.cos()[None, None], angles.sin()[None, None]
        for layer in self.layers:
            embeds = layer(embeds, cos, sin)
        return self.lm_head(self.norm(embeds))


def _blas():
    # Debian's build says BLAS_INFO=generic: its matrix products go through whatever libblas.so.3 alternative is installed.
    found = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return f"BLAS {found.group(1) if found else 'unknown'} ({blas})"


def main():
    sharp = json.loads(open(sys.argv[1]).read())
    config, batch, length = sharp["config"], sharp["batchSize"], sharp["sequenceLength"]
    threads, steps = sharp["threads"], sharp["steps"]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Vlm(config)
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    image_tokens = (config["vision"]["imageSize"] // config["vision"]["patchSize"]) ** 2 // config["connector"]["scaleFactor"] ** 2
    text = torch.randint(0, 256, (batch, length - image_tokens))
    ids = torch.cat([torch.full((batch, image_tokens), IMAGE_TOKEN), text], dim=1)
    targets = torch.cat([torch.full((batch, image_tokens - 1), IGNORED), text, torch.full((batch, 1), IGNORED)], dim=1)
    size = config["vision"]["imageSize"]
    pixels = torch.rand(batch, 3, size, size) * 2 - 1

    def step():
        optimizer.zero_grad()
        logits = model(ids, pixels)
        loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=IGNORED)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    for _ in range(2):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    print(json.dumps({
        "implementation": f"PyTorch {torch.__version__}, attention {ATTENTION}, {_blas()}",
        "parameters": sum(p.numel() for p in model.parameters()),
        "batchSize": batch, "sequenceLength": length, "threads": threads, "steps": steps,
        "secondsPerStep": seconds, "stepsPerSecond": 1 / seconds, "tokensPerSecond": batch * length / seconds,
    }))


if __name__ == "__main__":
    main()
