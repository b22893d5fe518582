import factory

from projects.models import Category, Skill


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"kategori-{n}")
    name_id = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    min_price = 50_000
    position = factory.Sequence(lambda n: n)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    slug = factory.Sequence(lambda n: f"keahlian-{n}")
    name = factory.Sequence(lambda n: f"Keahlian {n}")
    category = factory.SubFactory(CategoryFactory)
