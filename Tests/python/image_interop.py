"""Reference images from Pillow for BitmapInteropTests: JPEG files and their decoded
pixels, bilinear resizes and grey conversions. Usage: image_interop.py DIR"""
import sys
import numpy as np
from PIL import Image

out = sys.argv[1]
rng = np.random.default_rng(1)
# A smooth colour picture (JPEG's DCT keeps it close) and random noise (the hard case).
y, x = np.mgrid[0:24, 0:40]
smooth = np.stack([x * 6, y * 10, (x + y) * 4], axis=-1).clip(0, 255).astype(np.uint8)
noise = (rng.random((17, 23, 3)) * 255).astype(np.uint8)
for name, pixels in (("smooth", smooth), ("noise", noise)):
    picture = Image.fromarray(pixels, "RGB")
    picture.save(f"{out}/{name}.jpg", quality=90)
    np.save(f"{out}/{name}.jpg.npy", np.asarray(Image.open(f"{out}/{name}.jpg")))
    picture.save(f"{out}/{name}.png")
    for w, h in ((20, 12), (9, 7), (80, 48)):
        np.save(f"{out}/{name}-{w}x{h}.npy", np.asarray(picture.resize((w, h), Image.BILINEAR)))
    np.save(f"{out}/{name}-grey.npy", np.asarray(picture.convert("L")))
grey = Image.fromarray(smooth[..., 0], "L")
grey.save(f"{out}/grey.jpg", quality=90)
np.save(f"{out}/grey.jpg.npy", np.asarray(Image.open(f"{out}/grey.jpg")))
