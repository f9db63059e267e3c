"""SquareBert's 2-D relative position bias: one learned score per head and (Δrow, Δcolumn) between cells."""
import unittest

import torch

from training.model import SquareBert, build_model
from training.train import parse_args


def offsets(side: int) -> torch.Tensor:
    """(Δrow, Δcolumn) of every (query, key) pair of a side×side grid, by brute force."""
    cells = [(r, c) for r in range(side) for c in range(side)]
    return torch.tensor([[(rq - rk, cq - ck) for rk, ck in cells] for rq, cq in cells])


class RelativeBiasTest(unittest.TestCase):
    def test_pairs_share_a_score_exactly_when_they_share_an_offset(self):
        for n, patch in ((6, 1), (8, 2)):
            model = SquareBert(n, width=32, depth=2, heads=2, patch=patch, relative=True)
            side = n // patch
            pairs = offsets(side).reshape(-1, 2)
            index = model.offset.reshape(-1)
            self.assertEqual(int(index.max()) + 1, (2 * side - 1) ** 2)
            for key in {tuple(p.tolist()) for p in pairs}:
                same = (pairs == torch.tensor(key)).all(1)
                self.assertEqual(len(set(index[same].tolist())), 1, key)
                self.assertFalse((index[~same] == index[same][0]).any(), key)

    def test_the_bias_moves_the_attention(self):
        torch.manual_seed(0)
        model = SquareBert(6, width=32, depth=2, heads=2, patch=1, relative=True).eval()
        x = torch.randint(0, 3, (2, 36), generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            before = model.attention_maps(x)[0]
            model.blocks[0].relative_bias[0, 0] = 5.0  # Δ = (-5, -5): query (0, 0) to key (5, 5) only
            after = model.attention_maps(x)[0]
        changed = (before - after).abs() > 1e-6
        self.assertTrue(changed[:, 0, 0].any())
        self.assertFalse(changed[:, 1, :].any())  # head 1 keeps its own table
        self.assertFalse(changed[:, 0, 1:].any())  # no other query has that offset to any key

    def test_the_local_start_favours_near_cells_by_head_and_keeps_one_head_global(self):
        model = SquareBert(6, width=32, depth=2, heads=4, patch=1, relative=True, relative_init="local")
        table = model.blocks[1].relative_bias.detach().reshape(4, 11, 11)
        self.assertTrue(torch.equal(table[0], torch.zeros(11, 11)))
        self.assertEqual(float(table[3, 5, 5]), 0.0)  # Δ = (0, 0)
        self.assertAlmostEqual(float(table[3, 0, 0]), -10.0)  # Δ = (-5, -5)
        self.assertAlmostEqual(float(table[1, 5, 7]), -2.0 / 3)

    def test_the_config_rebuilds_the_same_model(self):
        model = SquareBert(8, width=32, depth=2, heads=2, patch=2, relative=True, relative_init="local")
        again = build_model("bert", model.config)
        again.load_state_dict(model.state_dict())
        self.assertEqual(again.config, model.config)
        x = torch.randint(0, 3, (3, 64))
        with torch.no_grad():
            torch.testing.assert_close(again.eval()(x), model.eval()(x))

    def test_checkpoints_from_before_the_bias_still_load(self):
        config = {"gridSize": 8, "width": 32, "depth": 2, "heads": 2, "mlpRatio": 4, "patch": 1}
        self.assertIsNone(build_model("bert", config).blocks[0].relative_bias)

    def test_the_presets_are_the_shipped_recipes_and_the_baselines_keep_their_recorded_schedule(self):
        for n, steps, seed in ((8, 8000, 0), (16, 11000, 2)):
            args = parse_args(["--grid", str(n)])
            self.assertEqual((args.relative_bias, args.relative_init, args.steps, args.decoding_share, args.seed),
                             (True, "local", steps, 0.5, seed))
        baseline = parse_args(["--grid", "8", "--arch", "cnn-global", "--checkpoint", "x.pt"])
        self.assertEqual((baseline.steps, baseline.decoding_share, baseline.seed), (4000, 0.0, 0))
        self.assertFalse(parse_args(["--grid", "8", "--no-relative-bias"]).relative_bias)


if __name__ == "__main__":
    unittest.main()
