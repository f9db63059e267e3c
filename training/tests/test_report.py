"""The CNN baselines and the report: receptive fields, distances, and a page built from untrained models."""
import contextlib
import io
import tempfile
import unittest
from pathlib import Path

import torch

from training.model import build_model
from training.report import main as write_report
from training.report import measure, rectangles
from training.train import ARCHS, CNN_LAYERS, cnn_config, parse_args


class BaselineTest(unittest.TestCase):
    def test_parameter_counts_stay_within_10_percent_of_the_bert(self):
        for n in (8, 16):
            bert = build_model("bert", {"gridSize": n, "width": 64, "depth": 4, "heads": 4, "patch": 1 if n == 8 else 2})
            for arch in ("cnn-local", "cnn-global"):
                cnn = build_model(arch, cnn_config(arch, n, None, None))
                ratio = cnn.parameter_count() / bert.parameter_count()
                self.assertLess(abs(ratio - 1), 0.1, (arch, n, ratio))

    def test_a_cell_outside_the_local_receptive_field_does_not_change_the_output(self):
        torch.manual_seed(0)
        for n in (8, 16):
            model = build_model("cnn-local", cnn_config("cnn-local", n, None, None)).eval()
            rf = model.config["receptiveField"]
            self.assertLess(rf, n)
            x = torch.full((1, n * n), 2)
            y = x.clone()
            y[0, n * n - 1] = 1  # the far corner: outside the view of cell 0
            with torch.no_grad():
                self.assertTrue(torch.equal(model(x)[0, 0], model(y)[0, 0]))
                self.assertFalse(torch.equal(model(x)[0, n * n - 2], model(y)[0, n * n - 2]))
            glob = build_model("cnn-global", cnn_config("cnn-global", n, None, None)).eval()
            self.assertGreaterEqual(glob.config["receptiveField"], 2 * n - 1)
            with torch.no_grad():
                self.assertFalse(torch.equal(glob(x)[0, 0], glob(y)[0, 0]))

    def test_every_baseline_has_a_shape_for_both_bundled_grids(self):
        for arch in ARCHS[1:]:
            for n in (8, 16):
                self.assertIn((arch, n), CNN_LAYERS)

    def test_baselines_need_a_checkpoint(self):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), self.assertRaises(SystemExit) as stop:
            parse_args(["--grid", "8", "--arch", "cnn-local"])
        self.assertEqual(stop.exception.code, 2)
        self.assertIn("--checkpoint", stderr.getvalue())


class ReportTest(unittest.TestCase):
    def test_distance_to_visible_matches_brute_force(self):
        g = torch.Generator().manual_seed(3)
        n = 6
        mask = (torch.rand(20, n * n, generator=g) < 0.8).float()
        mask[0] = 1  # nothing visible
        d = measure.distance_to_visible(mask, n)
        for b in range(len(mask)):
            visible = [divmod(i, n) for i in range(n * n) if not mask[b, i]]
            for i in range(n * n):
                r, c = divmod(i, n)
                want = min((max(abs(r - vr), abs(c - vc)) for vr, vc in visible), default=-1)
                self.assertEqual(int(d[b, i]), want)

    def test_outside_dependence_matches_the_posterior_of_the_window_alone(self):
        from training.prior import exact_posterior, images, sample_batch
        n = 8
        prior_images = images(n)
        pixels, mask, _ = sample_batch(n, 100, torch.Generator().manual_seed(5), prior_images)
        posterior = exact_posterior(pixels, mask, prior_images)
        windows = measure.local_windows(n, 1, 3)
        dependence = measure.outside_dependence(pixels, mask, posterior, windows, prior_images)
        self.assertTrue(dependence[~mask.bool()].isnan().all())
        self.assertGreater(int((dependence > 0.1).sum()), 0)
        for b, cell in torch.nonzero(mask.bool())[::37].tolist():
            windowed = mask[b].clone()
            windowed[~windows[cell]] = 1
            local = exact_posterior(pixels[b:b + 1], windowed[None], prior_images)[0, cell]
            self.assertAlmostEqual(float(dependence[b, cell]), float((posterior[b, cell] - local).abs()), places=5)

    def test_page_and_figures_from_untrained_checkpoints(self):
        torch.manual_seed(0)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            checkpoints = tmp / "checkpoints"
            checkpoints.mkdir()
            for n in measure.GRIDS:
                for arch in ARCHS:
                    config = ({"gridSize": n, "width": 16, "depth": 1, "heads": 2, "patch": 1 if n == 8 else 2}
                              if arch == "bert" else cnn_config(arch, n, 16, None))
                    model = build_model(arch, config)
                    torch.save({"arch": arch, "config": model.config, "state": model.state_dict()},
                               checkpoints / f"{arch}-{n}.pt")
                    if n == 8:  # the rectangles section's models, with the records its tables read
                        record = {"training": {"steps": 10, "batch": 8, "seconds": 1, "command": "train"}}
                        for file in rectangles.RUNS.values():
                            if file.startswith(arch):
                                torch.save({"arch": arch, "config": model.config, "state": model.state_dict(),
                                            "record": record}, checkpoints / file)
            saved = measure.CHECKPOINTS
            measure.CHECKPOINTS = checkpoints
            stderr = io.StringIO()
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
                    write_report(["--out", str(tmp / "docs"), "--per-family", "20"])
            finally:
                measure.CHECKPOINTS = saved
            page = (tmp / "docs" / "evaluation.md").read_text()
            # No digits checkpoints here: the page goes without that section, and says why on stderr.
            self.assertNotIn("## Handwritten digits", page)
            self.assertIn("report: no digits section", stderr.getvalue())
            for heading in ("## The models", "### 8×8", "### 16×16", "## Error against distance",
                            "## Error against evidence outside the local view",
                            "## Where the BERT looks", "## The seed's reference points", "## Rectangles",
                            "At 10 steps each, the "):
                self.assertIn(heading, page)
            for figure in ("distance.png", "dependence.png", "example.png", "attention.png"):
                self.assertIn(f"figures/{figure}", page)
                self.assertGreater((tmp / "docs" / "figures" / figure).stat().st_size, 1000)


if __name__ == "__main__":
    unittest.main()
