"""Unit tests of edsr_train (run by PythonTrainerTest under Maven, or: cd models/train && python3 -m unittest)."""
import json
import math
import struct
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

import edsr_train as e

EVAL = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "datasets" / "eval"


class MatlabBicubicTest(unittest.TestCase):
    @unittest.skipUnless((EVAL / "Set5" / "x3").is_dir(), "needs ../shared/datasets/eval beside the repo")
    def test_reproduces_the_matlab_made_x3_lr_images(self):
        for hr_file in sorted((EVAL / "Set5" / "x3").glob("*_HR.png")):
            hr, _ = e.read_bgr(hr_file)
            lr, _ = e.read_bgr(Path(str(hr_file).replace("_HR", "_LR")))
            np.testing.assert_array_equal(e.downscale(e.modcrop(hr, 3), 3), lr, hr_file.name)

    @unittest.skipUnless((EVAL / "Set5" / "HR").is_dir(), "needs ../shared/datasets/eval beside the repo")
    def test_bicubic_baseline_scores_as_the_java_evaluation(self):
        s = e.EvalSet(EVAL / "Set5", 3)
        psnr = sum(i[4][0] for i in s.items) / len(s.items)
        ssim = sum(i[4][1] for i in s.items) / len(s.items)
        self.assertAlmostEqual(psnr, 30.4047, places=4)  # Java: 30.405 / 0.8689 (published 30.39 / 0.8682)
        self.assertAlmostEqual(ssim, 0.8689, places=4)

    def test_output_sizes_follow_matlab(self):
        img = np.zeros((10, 7, 3), np.uint8)
        self.assertEqual(e.imresize(img, 0.8).shape, (8, 6, 3))  # ceil(10 * 0.8), ceil(7 * 0.8)
        self.assertEqual(e.imresize(img, 3).shape, (30, 21, 3))
        self.assertEqual(e.downscale(e.modcrop(img, 3), 3).shape, (3, 2, 3))


class PatchTest(unittest.TestCase):
    def test_lr_and_hr_patches_stay_aligned_under_every_transform(self):
        # HR is the 3x nearest-neighbour enlargement of LR, so every transform must keep HR == enlarge(LR patch)
        lr = (np.arange(6 * 5 * 3) * 5 % 256).astype(np.uint8).reshape(6, 5, 3)
        hr = lr.repeat(3, 0).repeat(3, 1)
        sampler = e.PatchSampler([(lr, hr)], 3, 4, torch.device("cpu"))
        ids = torch.zeros(8, dtype=torch.int64)
        t = torch.arange(8)
        y0, x0 = torch.full((8,), 2), torch.full((8,), 1)
        lp = sampler.lr.patches(ids, y0, x0, t, 4)
        hp = sampler.hr.patches(ids, y0 * 3, x0 * 3, t, 12)
        torch.testing.assert_close(hp, lp.repeat_interleave(3, 1).repeat_interleave(3, 2))
        self.assertEqual(len({p.numpy().tobytes() for p in lp}), 8, "the 8 transforms differ")
        np.testing.assert_array_equal(lp[0].numpy(), lr[2:6, 1:5])  # t = 0 is the identity

    def test_samples_are_mean_subtracted_nchw(self):
        lr = np.full((8, 8, 3), 200, np.uint8)
        sampler = e.PatchSampler([(lr, lr.repeat(3, 0).repeat(3, 1))], 3, 4, torch.device("cpu"))
        a, b = sampler.sample(5, torch.Generator().manual_seed(1))
        self.assertEqual(tuple(a.shape), (5, 3, 4, 4))
        self.assertEqual(tuple(b.shape), (5, 3, 12, 12))
        self.assertAlmostEqual(float(a[0, 0, 0, 0]), 200 - e.MEAN_BGR[0], places=4)
        self.assertAlmostEqual(float(b[0, 2, 0, 0]), 200 - e.MEAN_BGR[2], places=4)


class WeightsTest(unittest.TestCase):
    def test_safetensors_round_trip_and_layout(self):
        net = e.Edsr(2, 4, 3, 0.25)
        e.init_weights(net, 3)
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "w.safetensors"
            e.save_weights(net, path, {"steps": "7"})
            raw = path.read_bytes()
            (n,) = struct.unpack("<Q", raw[:8])
            header = json.loads(raw[8:8 + n])
            self.assertEqual(n % 8, 0)
            self.assertEqual(header["__metadata__"]["steps"], "7")
            self.assertEqual(header["__metadata__"]["res_scale"], "0.25")
            self.assertEqual(header["tail.weight"]["shape"], [27, 4, 3, 3])
            self.assertEqual(header["body.1.conv2.bias"]["dtype"], "F32")
            back = e.load_weights(path)
        self.assertEqual((back.blocks, back.feats, back.scale, back.res_scale), (2, 4, 3, 0.25))
        for k, v in net.state_dict().items():
            torch.testing.assert_close(back.state_dict()[k], v, rtol=0, atol=0)

    def test_he_init(self):
        net = e.Edsr(1, 64, 3)
        e.init_weights(net, 1)
        self.assertAlmostEqual(float(net.body[0].conv1.weight.std()), math.sqrt(2 / (64 * 9)), delta=0.002)
        self.assertEqual(float(net.head.bias.abs().sum()), 0.0)
        self.assertEqual(e.param_count(e.Edsr(16, 64, 3)), 1_235_995)


class ScheduleTest(unittest.TestCase):
    def test_warm_up_then_cosine(self):
        self.assertAlmostEqual(e.learning_rate(0, 0.0, 1e-3, 1e-6, 100), 1e-5)
        self.assertAlmostEqual(e.learning_rate(99, 0.0, 1e-3, 1e-6, 100), 1e-3)
        self.assertAlmostEqual(e.learning_rate(100, 0.0, 1e-3, 1e-6, 100), 1e-3)
        self.assertAlmostEqual(e.learning_rate(500, 0.5, 1e-3, 1e-6, 100), (1e-3 + 1e-6) / 2)
        self.assertAlmostEqual(e.learning_rate(900, 1.0, 1e-3, 1e-6, 100), 1e-6)
        self.assertAlmostEqual(e.learning_rate(900, 1.5, 1e-3, 1e-6, 100), 1e-6)


class TrainerTest(unittest.TestCase):
    def test_trains_checkpoints_and_resumes(self):
        rng = np.random.default_rng(0)
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            (root / "train").mkdir()
            (root / "set5" / "HR").mkdir(parents=True)
            for i in range(3):
                e.write_bgr(root / "train" / f"{i}.png", rng.integers(0, 256, (40 + i, 45, 3), dtype=np.uint8))
            e.write_bgr(root / "set5" / "HR" / "a.png", rng.integers(0, 256, (33, 36, 3), dtype=np.uint8))

            def train(steps: int, feats: int = 4) -> None:
                e.main(["train", "--data", str(root / "train"), "--eval-dir", str(root / "set5"), "--run-dir",
                        str(root / "run"), "--blocks", "1", "--feats", str(feats), "--patch", "8", "--batch", "2",
                        "--warmup", "2", "--eval-every", "3", "--log-every", "2", "--extra-scales", "0.8",
                        "--threads", "1", "--steps", str(steps)])

            train(4)
            first = torch.load(root / "run" / "ckpt.pt")
            self.assertEqual(first["step"], 4)
            train(6)
            state = torch.load(root / "run" / "ckpt.pt")
            self.assertEqual(state["step"], 6)
            self.assertEqual(torch.load(root / "run" / "adam.pt")["step"], 6)
            self.assertGreater(state["elapsed_s"], first["elapsed_s"])
            log = (root / "run" / "train.log").read_text()
            self.assertIn("resumed at step 4", log)
            self.assertIn("training pairs", log)
            rows = (root / "run" / "eval.tsv").read_text().splitlines()
            self.assertEqual([r.split("\t")[0] for r in rows], ["step", "3", "4", "6"])
            net = e.load_weights(root / "run" / "weights.safetensors")
            self.assertEqual((net.blocks, net.feats), (1, 4))
            with self.assertRaises(SystemExit):  # another shape cannot resume this run
                train(8, feats=8)


if __name__ == "__main__":
    unittest.main()
