"""Priors as sets of images: the bundled squares and rectangles, and a user's own images from a file or folder."""
import contextlib
import io
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from training.prior import (HELD_OUT_SHARE, MIN_IMAGES, MASK_FAMILIES, PriorError, bounding_boxes, content_hash,
                            images, load_prior, placements, rectangle_images, sample_batch)

ROOT = Path(__file__).resolve().parents[2]


def random_shapes(count: int, n: int, seed: int = 0) -> np.ndarray:
    """`count` distinct-ish 0/1 images [count, n, n]: a random blob of white cells each."""
    rng = np.random.default_rng(seed)
    return (rng.random((count, n, n)) < 0.3).astype(np.uint8)


def write_pngs(folder: Path, pictures: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, picture in enumerate(pictures):
        Image.fromarray((picture * 255).astype(np.uint8), mode="L").save(folder / f"{i:03}.png")


class BundledPriorTest(unittest.TestCase):
    def test_rectangles_are_every_placement_of_every_height_and_width(self):
        for n, count in ((8, 625), (16, 13689)):
            every = rectangle_images(n)
            self.assertEqual(len(every), count)
            self.assertEqual(len(torch.unique(every, dim=0)), count, "duplicates")
            grids = every.reshape(-1, n, n)
            heights, widths = grids.any(2).sum(1), grids.any(1).sum(1)
            self.assertEqual((heights.min().item(), heights.max().item()), (2, n - 2))
            self.assertEqual((widths.min().item(), widths.max().item()), (2, n - 2))
            # Filled: the white cells are exactly the bounding box.
            self.assertTrue(torch.equal(every.sum(1), (heights * widths).float()))

    def test_a_batch_draws_from_every_image_of_the_prior(self):
        # Before, sample_batch drew indices from the squares' placements: only the first 135 images of any set.
        prior = rectangle_images(8)
        pixels, _, _ = sample_batch(8, 20000, torch.Generator().manual_seed(0), prior)
        self.assertEqual(len(torch.unique(pixels, dim=0)), 625)

    def test_the_square_masks_hide_what_they_did_with_the_squares_own_placements(self):
        # bounding_boxes of a square image is the square: (row, col, row + side - 1, col + side - 1).
        place = placements(8)
        expected = torch.stack([place[:, 1], place[:, 2], place[:, 1] + place[:, 0] - 1, place[:, 2] + place[:, 0] - 1], 1)
        self.assertTrue(torch.equal(bounding_boxes(images(8), 8), expected))

    def test_corner_and_square_masks_follow_each_rectangle(self):
        n = 8
        prior = rectangle_images(n)
        for family in ("corner", "square"):
            pixels, mask, _ = sample_batch(n, 400, torch.Generator().manual_seed(3), prior, families=(family,))
            box = bounding_boxes(pixels, n)
            grid = mask.reshape(-1, n, n).bool()
            for b in range(len(pixels)):
                top, left, bottom, right = box[b].tolist()
                corners = [grid[b, r, c].item() for r in (top, bottom) for c in (left, right)]
                if family == "square":
                    self.assertTrue(grid[b, top:bottom + 1, left:right + 1].all(), f"sample {b}")
                else:
                    self.assertTrue(any(corners), f"sample {b}: no corner of the rectangle hidden")

    def test_every_family_masks_any_prior(self):
        pixels, mask, family = sample_batch(8, 600, torch.Generator().manual_seed(1), rectangle_images(8))
        self.assertEqual(sorted(set(family.tolist())), list(range(len(MASK_FAMILIES))))
        self.assertTrue(((mask == 0) | (mask == 1)).all())

    def test_a_prior_records_its_name_count_and_an_order_free_hash(self):
        record = load_prior("rectangles", 8).record()
        self.assertEqual((record["name"], record["kind"], record["images"]), ("rectangles", "rectangles", 625))
        shuffled = rectangle_images(8)[torch.randperm(625, generator=torch.Generator().manual_seed(0))]
        self.assertEqual(content_hash(shuffled), record["sha256"])
        self.assertNotEqual(load_prior("squares", 8).record()["sha256"], record["sha256"])


class FilePriorTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_an_npz_collapses_duplicates_and_holds_out_a_fixed_share(self):
        pictures = random_shapes(40, 8)
        path = self.dir / "shapes.npz"
        np.savez(path, images=np.concatenate([pictures, pictures[:5]]))
        prior = load_prior(str(path))
        held = max(1, round(HELD_OUT_SHARE * 40))
        self.assertEqual((prior.name, prior.kind, prior.grid), ("shapes", "images", 8))
        self.assertEqual((len(prior.images), len(prior.held_out)), (40 - held, held))
        self.assertIn("5 duplicates collapsed", prior.description)
        both = torch.cat([prior.images, prior.held_out])
        self.assertEqual(content_hash(both), content_hash(torch.from_numpy(pictures.reshape(40, 64)).float()))
        # The split is fixed: the same file, in another order, gives the same sets.
        np.save(self.dir / "shuffled.npy", pictures[::-1])
        again = load_prior(str(self.dir / "shuffled.npy"))
        self.assertEqual(content_hash(again.images), content_hash(prior.images))
        self.assertEqual(again.record()["heldOutSha256"], prior.record()["heldOutSha256"])

    def test_a_png_folder_reads_as_the_same_images(self):
        pictures = random_shapes(20, 8, seed=4)
        write_pngs(self.dir / "pngs", pictures)
        np.save(self.dir / "same.npy", pictures)
        self.assertEqual(load_prior(str(self.dir / "pngs")).record()["sha256"],
                         load_prior(str(self.dir / "same.npy")).record()["sha256"])

    def bad(self, name: str, make, *parts: str) -> None:
        path = self.dir / name
        make(path)
        with self.assertRaises(PriorError) as raised:
            load_prior(str(path), None)
        message = str(raised.exception)
        self.assertIn(name, message)
        for part in parts:
            self.assertIn(part, message)

    def test_bad_files_get_a_message_naming_the_file_and_the_problem(self):
        self.bad("missing.npz", lambda p: None, "no such file")
        self.bad("flat.npy", lambda p: np.save(p, np.zeros((10, 64), np.uint8)), "shape [10, 64]", "[K, N, N]")
        self.bad("gray.npy", lambda p: np.save(p, random_shapes(10, 8) * 3), "values 0, 3", "0 (black) and 1 (white)")
        self.bad("empty.npy", lambda p: np.save(p, np.zeros((0, 8, 8), np.uint8)), "holds no images")
        self.bad("few.npy", lambda p: np.save(p, random_shapes(MIN_IMAGES - 1, 8)), "distinct images",
                 f"at least {MIN_IMAGES}")
        self.bad("tiny.npy", lambda p: np.save(p, random_shapes(10, 4)), "4×4", "at least 6×6")
        self.bad("two.npz", lambda p: np.savez(p, a=random_shapes(10, 8), b=random_shapes(10, 8)), "a, b", "'images'")
        self.bad("notes.txt", lambda p: p.write_text("hello"), "not an .npz, .npy or a folder of PNGs")
        self.bad("broken.npy", lambda p: p.write_bytes(b"not numpy"), "not a readable .npy")

        def mixed(folder: Path):
            write_pngs(folder, random_shapes(10, 8))
            Image.fromarray(np.zeros((16, 16), np.uint8)).save(folder / "999.png")
        self.bad("mixed", mixed, "999.png", "16×16", "the same size")

        def gray(folder: Path):
            write_pngs(folder, random_shapes(10, 8))
            Image.fromarray(np.full((8, 8), 128, np.uint8)).save(folder / "500.png")
        self.bad("graypng", gray, "500.png", "not black-and-white", "128")
        self.bad("nopng", lambda p: p.mkdir(), "no .png files")

    def test_a_grid_that_disagrees_with_the_file_is_refused(self):
        np.save(self.dir / "eight.npy", random_shapes(20, 8))
        with self.assertRaisesRegex(PriorError, "8×8 images, but --grid is 16"):
            load_prior(str(self.dir / "eight.npy"), 16)

    def test_a_model_of_a_png_folder_records_its_prior_and_publishes_its_image_set(self):
        import json

        import onnx

        pictures = random_shapes(30, 8, seed=9)
        write_pngs(self.dir / "blobs", pictures)
        out = self.dir / "blobs-8.onnx"
        result = subprocess.run([sys.executable, "-m", "training.train", "--prior", str(self.dir / "blobs"),
                                 "--steps", "20", "--probe-every", "10", "--threads", "1", "--out", str(out),
                                 "--checkpoint", str(self.dir / "blobs.pt")],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stderr)
        prior = load_prior(str(self.dir / "blobs")).record()
        metadata = {p.key: p.value for p in onnx.load(str(out)).metadata_props}
        self.assertEqual(json.loads(metadata["prior"]), prior)
        self.assertEqual(torch.load(self.dir / "blobs.pt")["record"]["prior"], prior)
        # The published set, read by the package's own reader (src/image-set.ts), is the prior's training set.
        published = self.dir / "blobs-8.images.json"
        read = subprocess.run(["node", "--import", "tsx", "-e",
                               "import { ImageSet } from './src/image-set.ts'; import { readFileSync } from 'node:fs';"
                               f"const set = ImageSet.fromJSON(JSON.parse(readFileSync({json.dumps(str(published))}, 'utf8')));"
                               "console.log(JSON.stringify(set.images().map((image) => Array.from(image))));"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        self.assertEqual(read.returncode, 0, read.stderr)
        images_read = torch.tensor(json.loads(read.stdout), dtype=torch.float32)
        self.assertEqual(len(images_read), prior["images"])
        self.assertEqual(content_hash(images_read), prior["sha256"])

        # export.py re-exports the checkpoint with the prior its record names, and publishes the set again.
        from training import export
        again = self.dir / "again" / "blobs-8.onnx"
        export.main(["--checkpoint", str(self.dir / "blobs.pt"), "--out", str(again)])
        self.assertEqual(json.loads({p.key: p.value for p in onnx.load(str(again)).metadata_props}["prior"]), prior)
        self.assertEqual((self.dir / "again" / "blobs-8.images.json").read_text(), published.read_text())
        # --prior must be the set the checkpoint learned.
        stderr = io.StringIO()
        with self.assertRaises(SystemExit) as exit_, contextlib.redirect_stderr(stderr):
            export.main(["--checkpoint", str(self.dir / "blobs.pt"), "--prior", "squares", "--out", str(again)])
        self.assertEqual(exit_.exception.code, 2)
        self.assertIn("squares: not the prior this checkpoint learned (blobs, ", stderr.getvalue())

    def test_a_model_of_an_npz_records_the_same_prior_as_the_same_pictures_in_a_folder_and_publishes_it(self):
        import json

        import onnx

        from training import train

        pictures = random_shapes(30, 8, seed=9)
        np.savez(self.dir / "blobs.npz", images=pictures)
        write_pngs(self.dir / "blobs", pictures)
        out = self.dir / "npz" / "blobs-8.onnx"
        out.parent.mkdir()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            train.train(train.parse_args(["--prior", str(self.dir / "blobs.npz"), "--steps", "10", "--probe-every", "10",
                                          "--threads", "1", "--out", str(out)]))
        # A prior is its set of images, whatever file held them: the same record as the PNG folder's.
        prior = load_prior(str(self.dir / "blobs")).record()
        recorded = json.loads({p.key: p.value for p in onnx.load(str(out)).metadata_props}["prior"])
        self.assertEqual((recorded["sha256"], recorded["images"]), (prior["sha256"], prior["images"]))
        published = json.loads((self.dir / "npz" / "blobs-8.images.json").read_text())
        self.assertEqual(published["count"], prior["images"])

    def test_the_browser_tests_user_model_is_the_npz_fixtures_prior_and_publishes_it(self):
        """test/fixtures/user-prior: the model and image set the element loads with model-src and prior-src are
        what `npm run train -- --prior crosses.npz` wrote (its README), not stand-ins."""
        import json

        import onnx

        from training.export import published_image_set

        folder = ROOT / "test" / "fixtures" / "user-prior"
        prior = load_prior(str(folder / "crosses.npz"), 8)
        self.assertEqual((len(prior.images), len(prior.held_out)), (47, 5))
        metadata = {p.key: p.value for p in onnx.load(str(folder / "crosses-8.onnx")).metadata_props}
        recorded = json.loads(metadata["prior"])
        self.assertEqual((recorded["sha256"], recorded["images"]), (prior.record()["sha256"], 47))
        self.assertEqual(json.loads((folder / "crosses-8.images.json").read_text()), published_image_set(prior.images, 8))

    def test_train_py_refuses_a_bad_file_in_one_line_with_exit_code_2(self):
        np.save(self.dir / "gray.npy", random_shapes(10, 8) * 2)
        result = subprocess.run([sys.executable, "-m", "training.train", "--prior", str(self.dir / "gray.npy")],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.strip().count("\n"), 0, result.stderr)
        self.assertIn("gray.npy: values 0, 2", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


if __name__ == "__main__":
    unittest.main()
