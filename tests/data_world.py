"""A small data world on top of the personas: Kenya's and Haiti's hierarchies and a few data elements."""


class DataWorld:
    def __init__(self, world):
        from qicop.indicators.metadata_import import ensure_default_combo
        from qicop.indicators.models import (
            Category,
            CategoryCombo,
            CategoryOption,
            CategoryOptionCombo,
            DataElement,
            DataSet,
            OrgUnit,
        )

        self.world = world
        self.default_combo, self.default_coc = ensure_default_combo()
        female = CategoryOption.objects.create(uid="FemaleOptio", code="F", name="Female")
        male = CategoryOption.objects.create(uid="MaleOption1", code="M", name="Male")
        sex = Category.objects.create(uid="SexCategory", code="SEX", name="Sex")
        sex.options.set([female, male])
        self.sex_combo = CategoryCombo.objects.create(uid="SexComboUid", code="SEX", name="Sex")
        self.sex_combo.categories.set([sex])
        self.coc_female = CategoryOptionCombo.objects.create(
            uid="CocFemale01", code="F", name="Female", category_combo=self.sex_combo
        )
        self.coc_female.options.set([female])
        self.coc_male = CategoryOptionCombo.objects.create(
            uid="CocMale0001", code="M", name="Male", category_combo=self.sex_combo
        )
        self.coc_male.options.set([male])

        def de(uid, code, name, value_type="INTEGER_ZERO_OR_POSITIVE", combo=None):
            return DataElement.objects.create(
                uid=uid,
                code=code,
                name=name,
                value_type=value_type,
                category_combo=combo or self.default_combo,
                zero_is_significant=True,
            )

        self.tx_curr = de("TxCurr0001a", "TX_CURR", "On ART", combo=self.sex_combo)
        self.vl_tested = de("VlTested01a", "VL_TESTED", "Viral load tested")
        self.vl_suppressed = de("VlSupp0001a", "VL_SUPPRESSED", "Viral load suppressed")
        self.score = de("QiScore001a", "QI_SCORE", "QI score", value_type="NUMBER")
        self.committee = de("Committee1a", "QI_COMMITTEE", "Has a QI committee", value_type="BOOLEAN")
        self.data_set = DataSet.objects.create(
            uid="MonthlyHiv1", code="HIV_MONTHLY", name="HIV monthly", period_type="Monthly"
        )

        def ou(uid, code, name, country, parent=None):
            path = f"{parent.path}/{uid}" if parent else f"/{uid}"
            return OrgUnit.objects.create(
                uid=uid,
                code=code,
                name=name,
                country=country,
                parent=parent,
                path=path,
                level=parent.level + 1 if parent else 1,
            )

        self.kenya = ou("KenyaRoot01", "KE", "Kenya", world.kenya)
        self.nakuru = ou("NakuruCnty1", "KE_NAKURU", "Nakuru County", world.kenya, self.kenya)
        self.nakuru_hospital = ou(
            "NakuruHosp1", "KE_NAK_H", "Nakuru Level 5 Hospital", world.kenya, self.nakuru
        )
        self.naivasha = ou("NaivashaHC1", "KE_NAI_HC", "Naivasha Health Centre", world.kenya, self.nakuru)
        self.haiti = ou("HaitiRoot01", "HT", "Haïti", world.haiti)
        self.jacmel = ou("JacmelHosp1", "HT_JACMEL", "Hôpital de Jacmel", world.haiti, self.haiti)
