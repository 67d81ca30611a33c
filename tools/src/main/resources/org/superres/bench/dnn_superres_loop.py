"""The script a user would write instead of the job: OpenCV's own dnn_superres over a folder of
images, model loaded once, whole images, one after the other. The bench's peer, run on the same
images and model as the job. Prints one JSON line: images, input pixels, seconds, ms per stage.

usage: dnn_superres_loop.py MODEL KIND SCALE THREADS OUT_DIR IMAGE...
"""
import json
import os
import sys
import time

import cv2
import numpy


def main():
    model, kind, scale, threads, out_dir = sys.argv[1:6]
    images = sys.argv[6:]
    if int(threads) > 0:
        cv2.setNumThreads(int(threads))
    sr = cv2.dnn_superres.DnnSuperResImpl_create()
    sr.readModel(model)
    sr.setModel(kind, int(scale))
    sr.upsample(numpy.full((32, 32, 3), 128, numpy.uint8))  # warm-up, as the job's cache does
    stages = dict(read=0.0, decode=0.0, infer=0.0, encode=0.0, write=0.0)
    pixels = 0
    start = time.perf_counter()
    for path in images:
        t = time.perf_counter()
        with open(path, "rb") as f:
            data = f.read()
        t = lap(stages, "read", t)
        img = cv2.imdecode(numpy.frombuffer(data, dtype=numpy.uint8), cv2.IMREAD_UNCHANGED)
        pixels += img.shape[0] * img.shape[1]
        t = lap(stages, "decode", t)
        up = sr.upsample(img)
        t = lap(stages, "infer", t)
        ok, encoded = cv2.imencode(".png", up, [cv2.IMWRITE_PNG_COMPRESSION, 3])
        t = lap(stages, "encode", t)
        with open(os.path.join(out_dir, os.path.basename(path)), "wb") as f:
            f.write(encoded.tobytes())
        lap(stages, "write", t)
    seconds = time.perf_counter() - start
    n = max(1, len(images))
    print(json.dumps(dict(images=len(images), pixels=pixels, seconds=seconds, opencv=cv2.__version__,
                          stage_ms={k: v * 1000 / n for k, v in stages.items()})))


def lap(stages, stage, t):
    now = time.perf_counter()
    stages[stage] += now - t
    return now


if __name__ == "__main__":
    main()
