"""The BERT's `attention` output (SquareBert.attention_rollout) and the export of both outputs."""
import tempfile
import unittest
from pathlib import Path

import torch

from training.export import export_onnx, output_names
from training.model import SquareBert, build_model
from training.train import cnn_config


def random_tokens(n: int, batch: int, seed: int) -> torch.Tensor:
    return torch.randint(0, 3, (batch, n * n), generator=torch.Generator().manual_seed(seed))


class AttentionTest(unittest.TestCase):
    def test_forward_with_attention_gives_forward_s_logits(self):
        torch.manual_seed(0)
        for patch in (1, 2):
            model = SquareBert(8, width=32, depth=3, heads=2, patch=patch).eval()
            x = random_tokens(8, 4, patch)
            with torch.no_grad():
                logits, _ = model.forward_with_attention(x)
                self.assertTrue(torch.equal(logits, model(x)))

    def test_rows_are_cells_summing_to_one(self):
        torch.manual_seed(1)
        model = SquareBert(8, width=32, depth=3, heads=2, patch=1).eval()
        with torch.no_grad():
            _, attention = model.forward_with_attention(random_tokens(8, 3, 1))
        self.assertEqual(tuple(attention.shape), (3, 64, 64))
        self.assertTrue((attention >= 0).all())
        torch.testing.assert_close(attention.sum(-1), torch.ones(3, 64))

    def test_rollout_chains_the_layers_with_the_residual(self):
        torch.manual_seed(2)
        model = SquareBert(6, width=32, depth=3, heads=2, patch=1).eval()
        x = random_tokens(6, 2, 2)
        with torch.no_grad():
            maps = model.attention_maps(x)
            _, attention = model.forward_with_attention(x)
        eye = torch.eye(36)
        expected = (0.5 * maps[2].mean(1) + 0.5 * eye) @ (0.5 * maps[1].mean(1) + 0.5 * eye) @ (
            0.5 * maps[0].mean(1) + 0.5 * eye)
        torch.testing.assert_close(attention, expected)

    def test_patches_spread_their_weight_evenly_over_their_cells(self):
        torch.manual_seed(3)
        n, patch = 8, 2
        model = SquareBert(n, width=32, depth=2, heads=2, patch=patch).eval()
        x = random_tokens(n, 2, 3)
        with torch.no_grad():
            maps = model.attention_maps(x)
            flow = model.attention_rollout(maps)  # per cell
        eye = torch.eye(16)
        per_token = (0.5 * maps[1].mean(1) + 0.5 * eye) @ (0.5 * maps[0].mean(1) + 0.5 * eye)
        torch.testing.assert_close(flow.sum(-1), torch.ones(2, n * n))
        side = n // patch
        token = [(cell // n // patch) * side + (cell % n) // patch for cell in range(n * n)]
        expected = per_token[:, token][:, :, token] / patch ** 2
        torch.testing.assert_close(flow, expected)

    def test_only_the_bert_exports_attention(self):
        self.assertEqual(output_names(SquareBert(6, width=16, depth=1, heads=2)), ["logits", "attention"])
        self.assertEqual(output_names(build_model("cnn-local", cnn_config("cnn-local", 8, None, None))), ["logits"])

    def test_the_export_names_both_outputs_with_a_dynamic_batch(self):
        import onnx

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "m.onnx"
            export_onnx(SquareBert(8, width=16, depth=1, heads=2, patch=2), path, attention=True)
            graph = onnx.load(str(path)).graph
        outputs = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in graph.output}
        self.assertEqual([o.name for o in graph.output], ["logits", "attention"])
        self.assertEqual(outputs["logits"], ["batch", 64, 2])
        self.assertEqual(outputs["attention"], ["batch", 64, 64])


if __name__ == "__main__":
    unittest.main()
