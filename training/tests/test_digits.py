"""The digits prior (issue 27): its fixed split, its mask families, digits_eval's baselines and the report's section."""
import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import numpy as np
import torch

from training import digits_eval
from training.model import build_model
from training.prior import (MASK_FAMILIES, PriorError, bounding_boxes, consistent, digits_split, exact_posterior,
                            load_prior, sample_masks)
from training.report import measure
from training.report.figures import figure_digits
from training.report.page import digits_section

PRIOR = load_prior("digits")


def tiny_checkpoint(arch: str, path: Path) -> None:
    config = ({"gridSize": 8, "width": 16, "depth": 1, "heads": 2, "patch": 1} if arch == "bert"
              else {"gridSize": 8, "width": 16, "layers": [(3, 1), (3, 2)], "patch": 1})
    model = build_model(arch, config)
    torch.save({"arch": arch, "config": model.config, "state": model.state_dict()}, path)


class DigitsPriorTest(unittest.TestCase):
    def test_the_split_is_fixed_disjoint_and_four_to_one(self):
        test, train = digits_split(1797)
        self.assertEqual((len(test), len(train)), (359, 1438))
        self.assertEqual(set(test.tolist()) | set(train.tolist()), set(range(1797)))
        self.assertFalse(set(test.tolist()) & set(train.tolist()))
        self.assertTrue(torch.equal(test, digits_split(1797)[0]))
        record = PRIOR.record()
        self.assertEqual(record["split"], {"source": "sklearn.datasets.load_digits", "digits": 1797, "threshold": 8,
                                           "seed": 0, "permutation": "torch.randperm", "train": 1438,
                                           "trainDistinct": 1406, "test": 359})
        # Pinned: a change of the split (or of torch.randperm) changes every digits figure.
        self.assertEqual(record["heldOutSha256"][:16], "6810e97b8c30fbdb")
        self.assertEqual((record["images"], record["heldOut"]), (1406, 359))

    def test_digits_are_binarized_at_8_of_16_and_the_prior_is_the_distinct_training_digits(self):
        from sklearn.datasets import load_digits

        data = load_digits()
        test, train = digits_split(len(data.images))
        binary = torch.from_numpy((data.images.reshape(-1, 64) >= 8).astype(np.float32))
        self.assertTrue(torch.equal(PRIOR.held_out, binary[test]))
        self.assertTrue(torch.equal(PRIOR.held_out_labels, torch.from_numpy(data.target[test.numpy()])))
        self.assertTrue(torch.equal(PRIOR.images, torch.unique(binary[train], dim=0)))
        self.assertEqual(int(binary[0].sum()), int((data.images[0] >= 8).sum()))

    def test_other_grids_and_a_missing_sklearn_are_one_line_errors(self):
        with self.assertRaisesRegex(PriorError, "8×8 only; got a grid of 16"):
            load_prior("digits", 16)
        with mock.patch.dict(sys.modules, {"sklearn": None, "sklearn.datasets": None}):
            with self.assertRaisesRegex(PriorError, "python3-sklearn") as caught:
                load_prior("digits")
        self.assertNotIn("\n", str(caught.exception))

    def test_digits_masks_come_from_the_digits_families_and_hide_far_less_than_the_box_families(self):
        self.assertNotIn("corner", PRIOR.families)
        self.assertNotIn("square", PRIOR.families)
        self.assertIn("half", PRIOR.families)
        self.assertEqual(load_prior("squares", 8).families, MASK_FAMILIES)
        pixels, mask, family, _ = digits_eval.held_out_masks(PRIOR, 100)
        self.assertEqual(family.unique().tolist(), list(range(len(PRIOR.families))))
        half = mask[family == PRIOR.families.index("half")]
        self.assertTrue((half.sum(1) == 32).all())
        self.assertLess(mask.mean().item(), 0.65)
        # What the square family would hide on a digit: its bounding box, nearly the grid.
        boxed = sample_masks("square", 8, bounding_boxes(PRIOR.held_out, 8), torch.Generator().manual_seed(0))
        self.assertGreater(boxed.float().mean().item(), 0.8)


class NearestNeighbourTest(unittest.TestCase):
    def test_the_nearest_images_on_the_visible_cells_are_averaged_over_ties(self):
        images = torch.tensor([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 1, 1]], dtype=torch.float)
        mask = torch.tensor([[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1]], dtype=torch.float)
        pixels = torch.tensor([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]], dtype=torch.float)
        p = digits_eval.nearest_neighbours(pixels, mask, images)
        self.assertEqual(p[0].tolist(), [1, 0, 1, 0])  # distance 0: the one that fits
        self.assertEqual(p[1].tolist(), [0.5, 0.5, 0.5, 0.5])  # the first and the last, both at distance 1
        self.assertTrue(torch.allclose(p[2], images.mean(0)))  # nothing visible: every image ties
        # Where an image fits, the nearest ones are exactly those that fit.
        fits = consistent(pixels, mask, images).any(1)
        self.assertTrue(torch.equal(p[fits], exact_posterior(pixels, mask, images)[fits]))


def fair_fake(x: torch.Tensor) -> torch.Tensor:
    """A model that knows the exact posterior over the training digits, and the nearest ones where none fits."""
    pixels, mask = (x == 1).float(), (x == 2).float()
    exact = exact_posterior(pixels, mask, PRIOR.images)
    return torch.where(exact.isnan(), digits_eval.nearest_neighbours(pixels, mask, PRIOR.images), exact)


class DigitsEvaluationTest(unittest.TestCase):
    def test_a_fake_that_knows_the_exact_posterior_scores_as_the_nearest_neighbour_and_exact(self):
        results, arrays = digits_eval.evaluate({"fake": fair_fake}, per_family=20)
        groups = results["groups"]
        self.assertEqual(list(groups), [*PRIOR.families, "all"])
        every = groups["all"]
        self.assertEqual(every["all"]["masks"], 100)
        self.assertEqual(every["fits0"]["masks"] + every["fits"]["masks"], 100)
        self.assertGreater(every["fits0"]["masks"], 0)
        self.assertGreater(every["fits"]["masks"], 0)
        for subset in ("all", "fits0", "fits"):
            self.assertAlmostEqual(every[subset]["accuracy"]["fake"], every[subset]["accuracy"]["nearest"], places=5)
        self.assertIsNone(every["fits0"]["accuracy"]["exact"])
        self.assertAlmostEqual(every["fits"]["accuracy"]["exact"], every["fits"]["accuracy"]["nearest"], places=5)
        self.assertAlmostEqual(every["fits"]["meanAbsError"]["fake"], 0.0, places=6)
        self.assertIsNone(every["fits0"]["meanAbsError"]["fake"])
        # The per-cell mean, computed independently.
        mean = PRIOR.images.mean(0) > 0.5
        hidden = arrays["mask"].bool()
        want = (mean.expand_as(hidden) == arrays["pixels"].bool())[hidden].float().mean().item()
        self.assertAlmostEqual(every["all"]["accuracy"]["mean"], want, places=4)
        self.assertIn("| **all** | 100 |", digits_eval.table(results))

    def test_the_command_compares_checkpoints_and_writes_json(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            tiny_checkpoint("bert", tmp / "bert.pt")
            tiny_checkpoint("cnn-global", tmp / "cnn.pt")
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                (tmp / "manifest.json").write_text(json.dumps({"models": [{"gridSize": 8, "prior": {"name": "digits"}}]}))
                digits_eval.main(["--checkpoint", str(tmp / "bert.pt"), "--checkpoint", str(tmp / "cnn.pt"),
                                  "--per-family", "4", "--out", str(tmp / "digits.json"),
                                  "--manifest", str(tmp / "manifest.json")])
            results = json.loads((tmp / "digits.json").read_text())
            # The figures go beside the model, in its manifest entry.
            recorded = json.loads((tmp / "manifest.json").read_text())["models"][0]["evaluation"]
            self.assertEqual(recorded["accuracy"]["all"], results["groups"]["all"]["all"]["accuracy"])
            self.assertEqual(list(results["models"]), ["bert", "cnn-global"])
            self.assertEqual(results["heldOut"]["masks"], 20)
            self.assertIn("BERT", out.getvalue())
            self.assertIn("CNN, dilated", out.getvalue())


class DigitsReportTest(unittest.TestCase):
    def test_the_section_is_skipped_with_one_line_without_checkpoints(self):
        with tempfile.TemporaryDirectory() as tmp, mock.patch.object(measure, "CHECKPOINTS", Path(tmp)):
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                self.assertIsNone(measure.digits(4))
        self.assertEqual(err.getvalue().count("\n"), 1)
        self.assertIn("no digits section", err.getvalue())

    def test_the_section_and_figure_from_tiny_checkpoints(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            tiny_checkpoint("bert", tmp / "bert-digits-8.pt")
            tiny_checkpoint("cnn-global", tmp / "cnn-global-digits-8.pt")
            with mock.patch.object(measure, "CHECKPOINTS", tmp):
                digits = measure.digits(6)
            figure_digits(digits["example"], digits_eval.LABELS, tmp / "digits.png")
            self.assertGreater((tmp / "digits.png").stat().st_size, 1000)
        self.assertEqual(len(digits["example"]["family"]), len(PRIOR.families))
        page = "\n".join(digits_section(digits))
        self.assertIn("## Handwritten digits", page)
        self.assertIn("figures/digits.png", page)
        self.assertIn("The issue's target", page)


if __name__ == "__main__":
    unittest.main()
