"""CycleGAN's image pool: the discriminator learns from a history of generated images, not only the newest.

Shrivastava et al. (2017): a discriminator that sees only the generator's latest outputs chases them, and the
two can oscillate. The pool keeps up to `size` past fakes (50 in the reference). For each new fake in a batch:

    pool not full yet          store it, and hand it to D
    full, coin > 0.5           hand D a stored fake picked at random, and store the new one in its place
    full, otherwise            hand D the new fake

so once the pool is full, about half of what D sees comes from earlier generators. `size` 0 turns it off.
The coins and picks come from the pool's own seeded `torch.Generator` (the same seed, the same sequence), or
are handed in (`coins`, `picks`) to check `query` against an exact sequence.

    pool = ImagePool(50, seed=0)
    fake_for_D = pool.query(fake_B)            # (N, ...) in, (N, ...) out, on fake_B's device
"""

import torch

from i2i_course.errors import CourseError

POOL_SIZE = 50  # the reference's pool_size


class ImagePool:
    """Up to `size` past fakes; `query(images)` returns what D should see instead (see the module's docstring)."""

    def __init__(self, size=POOL_SIZE, seed=0, generator=None):
        if size < 0:
            raise CourseError(f"the pool size must be 0 (off) or more, got {size}")
        self.size = size
        self.images = []  # the stored fakes, (1, ...) each, detached
        self.generator = generator if generator is not None else torch.Generator().manual_seed(seed)

    def __len__(self):
        return len(self.images)

    def query(self, images, coins=None, picks=None):
        """What D should see for the batch `images` (N, ...): each one itself or a stored fake it replaces.

        coins: N numbers in [0, 1), one per image (a stored fake is returned where coin > 0.5); picks: N
        indices into the pool (which stored fake). Drawn from the pool's generator when not given.
        """
        if self.size == 0:
            return images
        images = images.detach()
        n = len(images)
        coins = torch.rand(n, generator=self.generator).tolist() if coins is None else list(coins)
        picks = torch.randint(self.size, (n,), generator=self.generator).tolist() if picks is None else list(picks)
        if len(coins) != n or len(picks) != n:
            raise CourseError(f"query needs one coin and one pick per image: {n} images, {len(coins)} coins, "
                              f"{len(picks)} picks")
        returned = []
        for image, coin, pick in zip(images.split(1), coins, picks):
            if len(self.images) < self.size:  # filling up: store it and use it
                self.images.append(image.clone())
                returned.append(image)
            elif coin > 0.5:  # an old fake for D, the new one kept in its place
                returned.append(self.images[pick])
                self.images[pick] = image.clone()
            else:
                returned.append(image)
        return torch.cat(returned)
