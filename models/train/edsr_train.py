"""EDSR xS trainer for superres: PyTorch, numpy and Pillow only.

Trains the EDSR family that org.superres.train.Exporter freezes into the GraphDef OpenCV's
DnnSuperResImpl("edsr", S) runs: input BGR 0..255 minus the DIV2K mean (OpenCV subtracts it and adds it back;
the network does not), head conv 3->F, B residual blocks {conv, ReLU, conv, x res_scale, + input}, conv F->F,
+ head, conv F->3*S*S, pixel shuffle. All convolutions 3x3, padding 1, with bias.

Weights file (the one layout the Java exporter reads): safetensors, float32 little-endian, the tensors of
Edsr.state_dict() under their PyTorch names and shapes (conv weights [out, in, 3, 3], tail channels in
pixel-shuffle order c*S*S + i*S + j), and __metadata__ {"format": "superres-edsr", "blocks", "feats",
"scale", "res_scale", ...} as strings.

LR images come from the numpy port of MATLAB's imresize below, the same arithmetic as the Java evaluation's
org.superres.eval.MatlabImresize (proved equal by MatlabBicubicParityTest).

    python3 edsr_train.py train --data DIR --eval-dir SET5_DIR --run-dir RUN [--minutes M | --steps N] ...
    python3 edsr_train.py init --blocks B --feats F --out W.safetensors     (random weights)
    python3 edsr_train.py imresize --scale 1/3 IN.png OUT.png [IN OUT ...]  (MATLAB bicubic, for tests)
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import struct
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

MEAN_BGR = (103.1545782, 111.561547, 114.35629928)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")


# --- MATLAB imresize (bicubic, antialiased when shrinking; the order of operations follows the Java port) ---

def _cubic(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    ax2 = ax * ax
    ax3 = ax2 * ax
    near = 1.5 * ax3 - 2.5 * ax2 + 1
    far = -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2
    return np.where(ax <= 1, near, np.where(ax <= 2, far, 0.0))


def _contributions(in_len: int, out_len: int, scale: float) -> Tuple[np.ndarray, np.ndarray]:
    """Weights and clamped 0-based source indices, both (out_len, taps)."""
    width = 4.0 / scale if scale < 1 else 4.0
    taps = int(math.ceil(width)) + 2
    x = np.arange(1, out_len + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    idx = left[:, None] + np.arange(taps, dtype=np.float64)[None, :]
    d = u[:, None] - idx
    w = scale * _cubic(scale * d) if scale < 1 else _cubic(d)
    total = np.zeros(out_len)
    for j in range(taps):  # sequential sum, as MATLAB and the Java port add
        total = total + w[:, j]
    w = w / total[:, None]
    ind = np.clip(idx.astype(np.int64) - 1, 0, in_len - 1)  # MATLAB replicates the end samples
    return w, ind


def _round_u8(v: np.ndarray) -> np.ndarray:
    return np.floor(np.clip(v, 0, 255) + 0.5)


def _resize_rows(src: np.ndarray, scale: float) -> np.ndarray:
    """One MATLAB pass along axis 0: taps added in order (the Java port's order), rounded to uint8 values."""
    out_len = int(math.ceil(src.shape[0] * scale))
    w, ind = _contributions(src.shape[0], out_len, scale)
    out = np.zeros((out_len,) + src.shape[1:])
    for t in range(w.shape[1]):
        out += w[:, t, None, None] * src[ind[:, t]]
    return _round_u8(out)


def imresize(img: np.ndarray, scale: float) -> np.ndarray:
    """MATLAB imresize(img, scale, 'bicubic') of a uint8 HxWxC image: rows first, rounded after each pass."""
    rows = _resize_rows(img.astype(np.float64), scale)
    cols = _resize_rows(np.ascontiguousarray(rows.transpose(1, 0, 2)), scale)  # gathering rows is faster
    return cols.transpose(1, 0, 2).astype(np.uint8)


def modcrop(img: np.ndarray, scale: int) -> np.ndarray:
    h, w = img.shape[:2]
    return img[: h - h % scale, : w - w % scale]


def downscale(hr: np.ndarray, scale: int) -> np.ndarray:
    """The LR of a modcropped HR image: MATLAB imresize(hr, 1/scale, 'bicubic')."""
    return imresize(hr, 1.0 / scale)


# --- images (Pillow is imported only where files are read or written) ---

def read_bgr(path: Path) -> Tuple[np.ndarray, bool]:
    """8-bit BGR HxWx3 and whether the file is single-channel (scored on its gray values, as the Java eval)."""
    from PIL import Image
    with Image.open(path) as im:
        gray = im.mode in ("L", "I;16", "I")
        rgb = np.asarray(im.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1]), gray


def write_bgr(path: Path, bgr: np.ndarray) -> None:
    from PIL import Image
    Image.fromarray(np.ascontiguousarray(bgr[:, :, ::-1])).save(path)


def list_images(folder: Path) -> List[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise SystemExit(f"no images under {folder}")
    return files


# --- the network ---

class ResBlock(nn.Module):
    def __init__(self, feats: int, res_scale: float):
        super().__init__()
        self.conv1 = nn.Conv2d(feats, feats, 3, padding=1)
        self.conv2 = nn.Conv2d(feats, feats, 3, padding=1)
        self.res_scale = res_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv2(F.relu(self.conv1(x))) * self.res_scale + x


class Edsr(nn.Module):
    """EDSR on mean-subtracted BGR 0..255 (NCHW); returns the mean-subtracted xS image."""

    def __init__(self, blocks: int, feats: int, scale: int = 3, res_scale: float = 0.1):
        super().__init__()
        self.blocks, self.feats, self.scale, self.res_scale = blocks, feats, scale, res_scale
        self.head = nn.Conv2d(3, feats, 3, padding=1)
        self.body = nn.ModuleList(ResBlock(feats, res_scale) for _ in range(blocks))
        self.body_end = nn.Conv2d(feats, feats, 3, padding=1)
        self.tail = nn.Conv2d(feats, 3 * scale * scale, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Under autocast only the body runs in bf16: pixel values need more than bf16's 8 significant bits, so the
        # head and tail stay fp32, and the residual stream (fp32 head output + bf16 branches) stays fp32 too.
        with torch.autocast(x.device.type, enabled=False):
            x0 = self.head(x.float())
        x = x0
        for block in self.body:
            x = block(x)
        x = self.body_end(x) + x0
        with torch.autocast(x.device.type, enabled=False):
            return F.pixel_shuffle(self.tail(x.float()), self.scale)

    def metadata(self) -> Dict[str, str]:
        return {"format": "superres-edsr", "blocks": str(self.blocks), "feats": str(self.feats),
                "scale": str(self.scale), "res_scale": repr(self.res_scale)}


def init_weights(net: Edsr, seed: int) -> None:
    """He normal (std sqrt(2 / fan_in)) for every conv, biases 0: the TF Java trainer's convention."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * math.sqrt(2.0 / fan_in))
                m.bias.zero_()


def param_count(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


# --- safetensors, written and read by hand (the format is an 8-byte header length, JSON, raw data) ---

def save_weights(net: Edsr, path: Path, extra: Optional[Dict[str, str]] = None) -> None:
    meta = dict(net.metadata(), **(extra or {}))
    header: Dict[str, object] = {"__metadata__": meta}
    blobs, offset = [], 0
    for name, t in net.state_dict().items():
        data = t.detach().to("cpu", torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    _atomic_write(path, struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_weights(path: Path) -> Edsr:
    raw = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    if meta.get("format") != "superres-edsr":
        raise ValueError(f"{path}: not a superres-edsr weights file")
    net = Edsr(int(meta["blocks"]), int(meta["feats"]), int(meta["scale"]), float(meta["res_scale"]))
    state = {}
    for name, spec in header.items():
        b, e = spec["data_offsets"]
        arr = np.frombuffer(raw, dtype="<f4", count=(e - b) // 4, offset=8 + n + b)
        state[name] = torch.from_numpy(arr.reshape(spec["shape"]).copy())
    net.load_state_dict(state)
    return net


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- training data: every pair held as flat uint8 buffers on the device; patches are cut by one gather ---

def _image_pairs(path: Path, scale: int, patch: int,
                 extra_scales: Sequence[float]) -> List[Tuple[np.ndarray, np.ndarray]]:
    img, _ = read_bgr(path)
    pairs = []
    for s in (1.0, *extra_scales):
        hr = modcrop(img if s == 1.0 else imresize(img, s), scale)
        if min(hr.shape[:2]) >= patch * scale:
            pairs.append((downscale(hr, scale), hr))
    return pairs


def describe(folder: Path, files: Sequence[Path]) -> str:
    """Which folders the images come from: "BSDS200 (200), T91 (91)"."""
    counts: Dict[str, int] = {}
    for f in files:
        top = f.relative_to(folder).parts[0] if len(f.relative_to(folder).parts) > 1 else folder.name
        counts[top] = counts.get(top, 0) + 1
    return ", ".join(f"{k} ({v})" for k, v in sorted(counts.items()))


def training_pairs(files: Sequence[Path], scale: int, patch: int,
                   extra_scales: Sequence[float]) -> List[Tuple[np.ndarray, np.ndarray]]:
    """(LR, HR) pairs: each image (and its MATLAB-bicubic resizes by extra_scales) modcropped and downscaled
    whole; images whose HR is smaller than one patch are skipped. Forked worker processes share the numpy work:
    they run numpy and Pillow only, never torch, and the caller has not touched CUDA yet."""
    work = partial(_image_pairs, scale=scale, patch=patch, extra_scales=tuple(extra_scales))
    workers = min(os.cpu_count() or 1, len(files))
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return [pair for pairs in pool.map(work, files, chunksize=4) for pair in pairs]


def _dihedral(yy: torch.Tensor, xx: torch.Tensor, t: torch.Tensor, last: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Source coordinates of destination (yy, xx) under transform t: bit 0 flips, bits 1-2 rotate by 90 deg."""
    rot, flip = (t >> 1)[:, None, None], (t & 1)[:, None, None]
    sy = torch.where(rot == 1, xx, torch.where(rot == 2, last - yy, torch.where(rot == 3, last - xx, yy)))
    sx = torch.where(rot == 1, last - yy, torch.where(rot == 2, last - xx, torch.where(rot == 3, yy, xx)))
    return sy, torch.where(flip == 1, last - sx, sx)


class _Buffer:
    """Images of different sizes in one flat uint8 tensor (HWC each)."""

    def __init__(self, images: List[np.ndarray], device: torch.device):
        sizes = [im.size for im in images]
        self.data = torch.from_numpy(np.concatenate([im.reshape(-1) for im in images])).to(device)
        self.offset = torch.tensor(np.cumsum([0] + sizes[:-1]), dtype=torch.int64, device=device)
        self.h = torch.tensor([im.shape[0] for im in images], dtype=torch.int64, device=device)
        self.w = torch.tensor([im.shape[1] for im in images], dtype=torch.int64, device=device)

    def patches(self, ids: torch.Tensor, y0: torch.Tensor, x0: torch.Tensor, t: torch.Tensor,
                size: int) -> torch.Tensor:
        """uint8 (n, size, size, 3) patches at (y0, x0) of images ids, each transformed by its t."""
        r = torch.arange(size, device=ids.device)
        sy, sx = _dihedral(r[None, :, None].expand(len(ids), size, size),
                           r[None, None, :].expand(len(ids), size, size), t, size - 1)
        pix = self.offset[ids, None, None] + ((y0[:, None, None] + sy) * self.w[ids, None, None]
                                              + x0[:, None, None] + sx) * 3
        return self.data[pix[..., None] + torch.arange(3, device=ids.device)]


class PatchSampler:
    """Random LR/HR patch pairs with random flips and rotations; images drawn in proportion to their number
    of patch positions, so every LR patch position is equally likely."""

    def __init__(self, pairs: List[Tuple[np.ndarray, np.ndarray]], scale: int, patch: int, device: torch.device):
        self.scale, self.patch, self.device = scale, patch, device
        self.lr = _Buffer([p[0] for p in pairs], device)
        self.hr = _Buffer([p[1] for p in pairs], device)
        self.weights = ((self.lr.h - patch + 1) * (self.lr.w - patch + 1)).double()
        self.mean = torch.tensor(MEAN_BGR, device=device).view(1, 3, 1, 1)

    def sample(self, n: int, g: torch.Generator) -> Tuple[torch.Tensor, torch.Tensor]:
        """(LR, HR) float NCHW batches, mean-subtracted, 0..255 scale."""
        dev, p, s = self.device, self.patch, self.scale
        ids = torch.multinomial(self.weights, n, replacement=True, generator=g)
        y0 = (torch.rand(n, generator=g, device=dev) * (self.lr.h[ids] - p + 1)).long()
        x0 = (torch.rand(n, generator=g, device=dev) * (self.lr.w[ids] - p + 1)).long()
        t = torch.randint(0, 8, (n,), generator=g, device=dev)
        lr = self.lr.patches(ids, y0, x0, t, p)
        hr = self.hr.patches(ids, y0 * s, x0 * s, t, p * s)
        return self._float(lr), self._float(hr)

    def _float(self, u8: torch.Tensor) -> torch.Tensor:
        return u8.permute(0, 3, 1, 2).float() - self.mean


# --- evaluation: the MATLAB protocol of org.superres.eval.Evaluator (Y of BT.601, shave scale, SSIM 11x11) ---

def upscale_image(net: Edsr, lr_bgr: np.ndarray, device: torch.device = torch.device("cpu")) -> np.ndarray:
    """8-bit BGR in, 8-bit BGR xS out, rounded as OpenCV's DnnSuperResImpl rounds (half to even)."""
    mean = torch.tensor(MEAN_BGR, dtype=torch.float32, device=device).view(1, 3, 1, 1)
    x = torch.from_numpy(lr_bgr).to(device).permute(2, 0, 1)[None].float() - mean
    with torch.no_grad():
        y = net(x) + mean
    return torch.clamp(torch.round(y), 0, 255)[0].permute(1, 2, 0).to("cpu", torch.uint8).numpy()


def _plane(bgr: np.ndarray, gray: bool) -> np.ndarray:
    d = bgr.astype(np.float64) / 255.0
    y = 16.0 + 65.481 * d[..., 2] + 128.553 * d[..., 1] + 24.966 * d[..., 0]
    return (y - 16.0) * 255.0 / 219.0 if gray else y


def _window() -> torch.Tensor:
    r = torch.arange(11, dtype=torch.float64) - 5
    g = torch.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * 1.5 ** 2))
    return (g / g.sum())[None, None]


def psnr_ssim_y(ref: np.ndarray, test: np.ndarray, border: int, gray: bool = False) -> Tuple[float, float]:
    a = _plane(ref, gray)[border:-border, border:-border]
    b = _plane(test, gray)[border:-border, border:-border]
    mse = float(np.mean((a - b) ** 2))
    psnr = math.inf if mse == 0 else 10 * math.log10(255.0 ** 2 / mse)
    ta, tb, w = torch.from_numpy(a)[None, None], torch.from_numpy(b)[None, None], _window()
    ma, mb = F.conv2d(ta, w), F.conv2d(tb, w)
    va, vb, cov = F.conv2d(ta * ta, w) - ma * ma, F.conv2d(tb * tb, w) - mb * mb, F.conv2d(ta * tb, w) - ma * mb
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    ssim = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
    return psnr, float(ssim.mean())


class EvalSet:
    """A benchmark folder (<dir>/HR/*.png), prepared once: modcropped HR, MATLAB-bicubic LR and bicubic scores."""

    def __init__(self, folder: Path, scale: int):
        self.scale = scale
        self.items = []
        for f in sorted((folder / "HR").glob("*.png")):
            img, gray = read_bgr(f)
            hr = modcrop(img, scale)
            lr = downscale(hr, scale)
            bic = psnr_ssim_y(hr, imresize(lr, scale), scale, gray)
            self.items.append((f.stem, hr, lr, gray, bic))
        if not self.items:
            raise SystemExit(f"no HR/*.png in {folder}")

    def evaluate(self, net: Edsr, device: torch.device) -> Dict[str, object]:
        """Mean and per-image PSNR/SSIM of the fp32 network (TF32 off), and the bicubic means."""
        tf32 = torch.backends.cudnn.allow_tf32
        torch.backends.cudnn.allow_tf32 = False
        was_training = net.training
        net.eval()
        try:
            per = {name: psnr_ssim_y(hr, upscale_image(net, lr, device), self.scale, gray)
                   for name, hr, lr, gray, _ in self.items}
        finally:
            net.train(was_training)
            torch.backends.cudnn.allow_tf32 = tf32
        n = len(per)
        return {"psnr": sum(v[0] for v in per.values()) / n, "ssim": sum(v[1] for v in per.values()) / n,
                "bicubic_psnr": sum(i[4][0] for i in self.items) / n, "images": per}


# --- training ---

def learning_rate(step: int, progress: float, lr: float, lr_min: float, warmup: int) -> float:
    """Linear warm-up over `warmup` steps, then cosine from lr to lr_min as progress goes 0..1."""
    if step < warmup:
        return lr * (step + 1) / warmup
    return lr_min + 0.5 * (lr - lr_min) * (1 + math.cos(math.pi * min(1.0, max(0.0, progress))))


def optimizer(net: Edsr, lr: float) -> torch.optim.Adam:
    cuda = next(net.parameters()).is_cuda
    return torch.optim.Adam(net.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8, **({"fused": True} if cuda else {}))


def prepare(net: Edsr, device: torch.device) -> Edsr:
    """Moves the network to the device; channels-last and cuDNN autotuning on CUDA."""
    net.to(device)
    if device.type == "cuda":
        net.to(memory_format=torch.channels_last)
        torch.backends.cudnn.benchmark = True
    return net


def train_step(net: Edsr, opt: torch.optim.Adam, lr_b: torch.Tensor, hr_b: torch.Tensor, rate: float) -> torch.Tensor:
    """One Adam step on the L1 loss (pixel units); bf16 autocast and channels-last on CUDA. Returns the loss
    without waiting for the device."""
    for group in opt.param_groups:
        group["lr"] = rate
    cuda = lr_b.is_cuda
    if cuda:
        lr_b = lr_b.contiguous(memory_format=torch.channels_last)
    with torch.autocast(lr_b.device.type, dtype=torch.bfloat16, enabled=cuda):
        out = net(lr_b)
    loss = F.l1_loss(out.float(), hr_b)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.detach()


def bench(shapes: Sequence[str], batches: Sequence[int], patch: int, steps: int, minutes: float,
          device: torch.device) -> None:
    """Times training steps on random data, per shape BxF and batch size, to plan a run."""
    print(f"device {torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU'}, torch {torch.__version__}")
    for shape in shapes:
        blocks, feats = (int(v) for v in shape.split("x"))
        for batch in batches:
            net = prepare(Edsr(blocks, feats), device)
            opt = optimizer(net, 1e-4)
            lr_b = torch.randn(batch, 3, patch, patch, device=device) * 50
            hr_b = torch.randn(batch, 3, patch * 3, patch * 3, device=device) * 50
            for _ in range(5):
                train_step(net, opt, lr_b, hr_b, 1e-4)
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            t0 = time.perf_counter()
            for _ in range(steps):
                loss = train_step(net, opt, lr_b, hr_b, 1e-4)
            loss.item()
            sec = (time.perf_counter() - t0) / steps
            print(f"B{blocks}F{feats} params {param_count(net):,} batch {batch}: {sec:.4f} s/step, "
                  f"{batch / sec:.0f} patches/s, {minutes * 60 / sec:,.0f} steps in {minutes:g} min")


class Trainer:
    """One run directory: config.json, ckpt.pt (weights, step, time) + adam.pt (optimizer, kept apart so each
    file stays small), eval.tsv (the Set5 curve), train.log, and weights.safetensors at the end."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.run = Path(args.run_dir)
        self.run.mkdir(parents=True, exist_ok=True)
        self.device = torch.device(args.device)
        self.cuda = self.device.type == "cuda"
        self.net = Edsr(args.blocks, args.feats, args.scale, args.res_scale)
        init_weights(self.net, args.seed)
        self.step, self.elapsed_before, self.best = 0, 0.0, -math.inf
        self.session_start = time.monotonic()

    def log(self, msg: str) -> None:
        line = time.strftime("%H:%M:%S ") + msg
        print(line, flush=True)
        with open(self.run / "train.log", "a") as f:
            f.write(line + "\n")

    def _to_device(self) -> None:
        prepare(self.net, self.device)
        self.opt = optimizer(self.net, self.args.lr)

    # checkpoints

    def restore(self) -> bool:
        ckpt, adam = self.run / "ckpt.pt", self.run / "adam.pt"
        if not ckpt.exists():
            return False
        state = torch.load(ckpt, map_location=self.device)
        opt_state = torch.load(adam, map_location=self.device)
        shape = {k: state["config"][k] for k in ("blocks", "feats", "scale", "res_scale")}
        if shape != {k: getattr(self.args, k) for k in shape}:
            raise SystemExit(f"{ckpt} holds a {shape} network; pass the same --blocks/--feats/--res-scale")
        if opt_state["step"] != state["step"]:
            raise SystemExit(f"{ckpt} (step {state['step']}) and {adam} (step {opt_state['step']}) differ")
        self.net.load_state_dict(state["model"])
        self.opt.load_state_dict(opt_state["adam"])
        self.step, self.elapsed_before, self.best = state["step"], state["elapsed_s"], state["best_psnr"]
        return True

    def checkpoint(self) -> None:
        for path, obj in ((self.run / "adam.pt", {"step": self.step, "adam": self.opt.state_dict()}),
                          (self.run / "ckpt.pt", {"step": self.step, "elapsed_s": self.elapsed(),
                                                  "best_psnr": self.best, "config": vars(self.args),
                                                  "model": self.net.state_dict()})):
            torch.save(obj, str(path) + ".tmp")
            os.replace(str(path) + ".tmp", path)

    # schedule

    def elapsed(self) -> float:
        """Training wall seconds (evaluations and checkpoints included) over all sessions of the run."""
        return self.elapsed_before + time.monotonic() - self.session_start

    def progress(self) -> float:
        if self.args.minutes:
            return self.elapsed() / (self.args.minutes * 60)
        return (self.step - self.args.warmup) / max(1, self.args.steps - self.args.warmup)

    def finished(self) -> bool:
        return self.step >= self.args.steps or bool(self.args.minutes and self.progress() >= 1.0)

    # the loop

    def evaluate(self, evalset: EvalSet) -> None:
        r = evalset.evaluate(self.net, self.device)
        self.best = max(self.best, r["psnr"])
        rate = self.opt.param_groups[0]["lr"]
        with open(self.run / "eval.tsv", "a") as f:
            f.write(f"{self.step}\t{self.elapsed():.0f}\t{rate:.3g}\t{r['psnr']:.4f}\t{r['ssim']:.5f}\t"
                    f"{r['bicubic_psnr']:.4f}\n")
        self.log(f"eval step {self.step} Set5 PSNR {r['psnr']:.3f} SSIM {r['ssim']:.4f} "
                 f"(bicubic {r['bicubic_psnr']:.3f}) best {self.best:.3f}")

    def run_training(self) -> None:
        a = self.args
        t0 = time.monotonic()
        files = list_images(Path(a.data))[:a.limit_images or None]
        pairs = training_pairs(files, a.scale, a.patch, a.extra_scales)
        self.data = {"data": describe(Path(a.data), files), "images": str(len(files)),
                     "training_pairs": str(len(pairs))}
        evalset = EvalSet(Path(a.eval_dir), a.scale)
        self._to_device()  # after the forked data workers
        resumed = self.restore()
        sampler = PatchSampler(pairs, a.scale, a.patch, self.device)
        del pairs
        if not (self.run / "eval.tsv").exists():
            (self.run / "eval.tsv").write_text("step\telapsed_s\tlr\tset5_psnr\tset5_ssim\tbicubic_psnr\n")
        (self.run / "config.json").write_text(json.dumps(vars(a), indent=1) + "\n")
        self.device_name = (torch.cuda.get_device_name(self.device) if self.cuda
                            else f"CPU, {torch.get_num_threads()} threads")
        self.log(f"EDSR x{a.scale} B={a.blocks} F={a.feats} res_scale={a.res_scale} "
                 f"params={param_count(self.net)} on {self.device_name}, torch {torch.__version__}; "
                 f"{'resumed at step %d' % self.step if resumed else 'fresh'}; {self.data['data']}: "
                 f"{len(sampler.weights)} training pairs, {sampler.hr.data.numel() / 1e6:.0f} MB HR on the device; "
                 f"ready in {time.monotonic() - t0:.1f} s")
        g = torch.Generator(device=self.device).manual_seed(a.seed + self.step)
        self.session_start = time.monotonic()
        last_ckpt = last_log = time.monotonic()
        last_step, paused = self.step, 0.0
        loss_sum = torch.zeros((), device=self.device)
        while not self.finished():
            rate = learning_rate(self.step, self.progress(), a.lr, a.lr_min, a.warmup)
            loss_sum += train_step(self.net, self.opt, *sampler.sample(a.batch, g), rate)
            self.step += 1
            if self.step % a.log_every == 0:
                mean_loss = loss_sum.item() / (self.step - last_step)  # .item() waits for the device: only here
                if not math.isfinite(mean_loss):
                    raise SystemExit(f"loss is {mean_loss} at step {self.step}")
                now = time.monotonic()
                self.log(f"step {self.step} loss {mean_loss:.4f} lr {rate:.3g} "
                         f"{(now - last_log - paused) / (self.step - last_step):.4f} s/step, "
                         f"elapsed {self.elapsed():.0f} s")
                loss_sum.zero_()
                last_log, last_step, paused = now, self.step, 0.0
            t_pause = time.monotonic()
            if self.step % a.eval_every == 0:
                self.evaluate(evalset)
            if time.monotonic() - last_ckpt >= a.ckpt_every_s:
                self.checkpoint()
                last_ckpt = time.monotonic()
            paused += time.monotonic() - t_pause
        if self.step % a.eval_every:
            self.evaluate(evalset)
        self.checkpoint()
        save_weights(self.net, self.run / "weights.safetensors",
                     dict(self.data, steps=str(self.step), train_minutes=f"{self.elapsed() / 60:.1f}",
                          device=self.device_name, torch=torch.__version__))
        self.log(f"done: {self.step} steps in {self.elapsed():.0f} s; weights in {self.run / 'weights.safetensors'}")


# --- command line ---

def _scale_arg(text: str) -> float:
    num, _, den = text.partition("/")
    return float(num) / float(den) if den else float(num)


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train (resumes from RUN/ckpt.pt when present)")
    t.add_argument("--data", required=True, help="folder of training images (searched recursively)")
    t.add_argument("--eval-dir", required=True, help="Set5 folder (HR/*.png): PSNR logged during training")
    t.add_argument("--run-dir", required=True)
    t.add_argument("--blocks", type=int, default=16)
    t.add_argument("--feats", type=int, default=64)
    t.add_argument("--scale", type=int, default=3)
    t.add_argument("--res-scale", type=float, default=0.1)
    t.add_argument("--patch", type=int, default=48, help="LR patch size")
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--lr", type=float, default=2e-4)
    t.add_argument("--lr-min", type=float, default=1e-6)
    t.add_argument("--warmup", type=int, default=500)
    t.add_argument("--minutes", type=float, default=0,
                   help="cosine schedule over this much training wall time (summed over resumes)")
    t.add_argument("--steps", type=int, default=10 ** 9, help="step limit; the schedule's length without --minutes")
    t.add_argument("--extra-scales", type=lambda s: [float(v) for v in s.split(",") if v], default=[0.9, 0.8, 0.7, 0.6],
                   help="also train on each image resized by these factors (MATLAB bicubic)")
    t.add_argument("--limit-images", type=int, default=0, help="use only the first N images (smoke runs)")
    t.add_argument("--seed", type=int, default=20261201)
    t.add_argument("--eval-every", type=int, default=2000)
    t.add_argument("--log-every", type=int, default=200)
    t.add_argument("--ckpt-every-s", type=float, default=180)

    i = sub.add_parser("init", help="write randomly initialised weights")
    i.add_argument("--blocks", type=int, required=True)
    i.add_argument("--feats", type=int, required=True)
    i.add_argument("--scale", type=int, default=3)
    i.add_argument("--res-scale", type=float, default=0.1)
    i.add_argument("--seed", type=int, default=20261201)
    i.add_argument("--out", required=True)

    b = sub.add_parser("bench", help="time training steps on random data, to plan a run")
    b.add_argument("--shapes", type=lambda v: v.split(","), default=["16x64"], help="BLOCKSxFEATS,...")
    b.add_argument("--batches", type=lambda v: [int(x) for x in v.split(",")], default=[16, 32, 64])
    b.add_argument("--patch", type=int, default=48)
    b.add_argument("--steps", type=int, default=30)
    b.add_argument("--minutes", type=float, default=8, help="report how many steps this would be")

    for cmd in (t, b):
        cmd.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
        cmd.add_argument("--threads", type=int, default=os.cpu_count(), help="CPU threads (on the CPU)")

    r = sub.add_parser("imresize", help="MATLAB bicubic resize of image files")
    r.add_argument("--scale", type=_scale_arg, required=True, help="factor, e.g. 1/3 or 0.8")
    r.add_argument("files", nargs="+", help="IN OUT pairs")

    a = p.parse_args(argv)
    if getattr(a, "device", "cuda") == "cpu":
        torch.set_num_threads(a.threads)  # Debian's torch starts with one thread
    if a.cmd == "train":
        if not a.minutes and a.steps == 10 ** 9:
            p.error("give --minutes or --steps")
        Trainer(a).run_training()
    elif a.cmd == "bench":
        bench(a.shapes, a.batches, a.patch, a.steps, a.minutes, torch.device(a.device))
    elif a.cmd == "init":
        net = Edsr(a.blocks, a.feats, a.scale, a.res_scale)
        init_weights(net, a.seed)
        save_weights(net, Path(a.out))
        print(f"EDSR x{a.scale} B={a.blocks} F={a.feats} params={param_count(net)} -> {a.out}")
    else:
        if len(a.files) % 2:
            p.error("imresize takes IN OUT pairs")
        for src, dst in zip(a.files[::2], a.files[1::2]):
            write_bgr(Path(dst), imresize(read_bgr(Path(src))[0], a.scale))


if __name__ == "__main__":
    main(sys.argv[1:])
