import unittest

import torch

from training.prior import MASK_FAMILIES, decoding_masks, exact_posterior, images, placements, sample_batch


def brute_force_posterior(n, pixels, mask):
    """Loops over every placement and every cell: no matrices, no tricks."""
    total = [0.0] * (n * n)
    count = 0
    for side in range(2, n - 1):
        for row in range(n - side + 1):
            for col in range(n - side + 1):
                image = [1.0 if row <= r < row + side and col <= c < col + side else 0.0
                         for r in range(n) for c in range(n)]
                if all(mask[i] or image[i] == pixels[i] for i in range(n * n)):
                    count += 1
                    total = [t + v for t, v in zip(total, image)]
    return [t / count for t in total]


class PriorTest(unittest.TestCase):
    def test_counts_images_of_the_prior(self):
        self.assertEqual(len(placements(8)), 135)
        self.assertEqual(len(placements(16)), 1235)
        sides = images(8).sum(1).sqrt()
        self.assertEqual(sides.min().item(), 2)
        self.assertEqual(sides.max().item(), 6)

    def test_refuses_grids_below_six(self):
        with self.assertRaises(ValueError):
            placements(5)

    def test_posterior_matches_brute_force(self):
        n = 7
        prior_images = images(n)
        g = torch.Generator().manual_seed(3)
        pixels, mask, _ = sample_batch(n, 60, g, prior_images)
        fast = exact_posterior(pixels, mask, prior_images)
        for i in range(len(pixels)):
            slow = brute_force_posterior(n, pixels[i].tolist(), mask[i].tolist())
            self.assertLess(max(abs(a - b) for a, b in zip(fast[i].tolist(), slow)), 1e-6)

    def test_posterior_is_exact_on_visible_cells_and_uniform_when_all_hidden(self):
        n = 8
        prior_images = images(n)
        g = torch.Generator().manual_seed(4)
        pixels, mask, _ = sample_batch(n, 200, g, prior_images)
        post = exact_posterior(pixels, mask, prior_images)
        visible = mask == 0
        self.assertTrue(torch.equal(post[visible], pixels[visible]))
        everything = exact_posterior(pixels[:1], torch.ones(1, n * n), prior_images)
        self.assertTrue(torch.allclose(everything[0], prior_images.mean(0)))

    def test_mask_families_hide_what_they_promise(self):
        n = 16
        prior_images = images(n)
        g = torch.Generator().manual_seed(5)
        for k, family in enumerate(MASK_FAMILIES):
            pixels, mask, fam = sample_batch(n, 300, g, prior_images, families=(family,))
            self.assertTrue((fam == 0).all())
            if family != "lines":  # a draw of no rows and no columns is rare and allowed
                self.assertGreater(mask.sum(1).min().item(), 0, family)
            self.assertGreater(mask.mean().item(), 0.02, family)
            if family == "square":
                self.assertTrue((mask >= pixels).all())
            if family == "corner":
                self.assertTrue(((mask * pixels).sum(1) > 0).all())
            if family == "dense95":
                self.assertAlmostEqual(mask.mean().item(), 0.95, delta=0.01)

    def test_decoding_masks_reveal_only_hidden_cells_and_mostly_the_certain_ones(self):
        n = 16
        prior_images = images(n)
        g = torch.Generator().manual_seed(6)
        pixels, mask, _ = sample_batch(n, 400, g, prior_images)
        post = exact_posterior(pixels, mask, prior_images)
        new = decoding_masks(mask, post, g)
        self.assertTrue((new <= mask).all())
        uncertain = (mask == 1) & (post > 0) & (post < 1)
        certain = (mask == 1) & ~uncertain
        # Uncertain cells stay hidden 65% of the time on average (0..70% revealed), certain ones 25% (0..50% kept).
        self.assertGreater(new[uncertain].mean().item(), 0.55)
        self.assertLess(new[certain].mean().item(), 0.35)


if __name__ == "__main__":
    unittest.main()
